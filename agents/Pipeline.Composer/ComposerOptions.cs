using System.Globalization;
using Pipeline.Hosting;

namespace Pipeline.Composer;

/// <summary>Command line first, then environment (a systemd unit's EnvironmentFile), then defaults.</summary>
/// <param name="ConfigPath">The haproxy.cfg the router agent applies; the compositions are read from it.</param>
/// <param name="Port">Loopback port HAProxy's composer backend sends composition requests to.</param>
/// <param name="CallsUrl">HAProxy's compose_calls frontend: every call goes through it, by service name.</param>
/// <param name="ReloadInterval">How often the config file is checked for a new version.</param>
public sealed record ComposerOptions(string ConfigPath, int Port, Uri CallsUrl, TimeSpan ReloadInterval)
{
    public const string Usage = """
        usage: pipeline-composer [options]
          --config PATH       haproxy.cfg the router agent applies (PIPELINE_HAPROXY_CONFIG, default: /etc/haproxy/haproxy.cfg)
          --port N            loopback port to serve compositions on (PIPELINE_COMPOSER_PORT, default: 8091)
          --calls-url URL     HAProxy's compose_calls frontend (PIPELINE_COMPOSER_CALLS_URL, default: http://127.0.0.1:8092)
          --reload-ms N       how often to look for a new config (PIPELINE_COMPOSER_RELOAD_MS, default: 250)
        """;

    public static ComposerOptions Parse(IReadOnlyList<string> args, Func<string, string?> env)
    {
        var arguments = AgentArguments.Parse(args, env, Usage);
        string Get(string name, string variable, string fallback) => arguments.Get(name, variable) ?? fallback;
        var port = Get("port", "PIPELINE_COMPOSER_PORT", "8091");
        var reload = Get("reload-ms", "PIPELINE_COMPOSER_RELOAD_MS", "250");
        var calls = Get("calls-url", "PIPELINE_COMPOSER_CALLS_URL", "http://127.0.0.1:8092");
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
        {
            throw new ArgumentException($"--port must be 1-65535, not '{port}'");
        }

        if (!int.TryParse(reload, NumberStyles.None, CultureInfo.InvariantCulture, out var r) || r is < 10 or > 60_000)
        {
            throw new ArgumentException($"--reload-ms must be 10-60000, not '{reload}'");
        }

        if (!Uri.TryCreate(calls, UriKind.Absolute, out var callsUrl) || callsUrl.Scheme != Uri.UriSchemeHttp)
        {
            throw new ArgumentException($"--calls-url must be an http:// URL, not '{calls}'");
        }

        return new ComposerOptions(Get("config", "PIPELINE_HAPROXY_CONFIG", "/etc/haproxy/haproxy.cfg"), p, callsUrl, TimeSpan.FromMilliseconds(r));
    }
}
