using Pipeline.Core.Routing;
using Pipeline.Hosting;

namespace Pipeline.RouterAgent;

/// <summary>Command line first, then environment (what a systemd unit's EnvironmentFile sets), then defaults.</summary>
public sealed record AgentOptions(
    string Node,
    string Bucket,
    Uri? S3Endpoint,
    string Region,
    string ConfigPath,
    string MasterSocket,
    string HaproxyPath,
    TimeSpan PollInterval,
    bool Supervise,
    long MaxConfigBytes,
    TimeSpan CheckTimeout,
    int ReadyPort = 0,
    IReadOnlyDictionary<string, string>? HaproxyEnvironment = null)
{
    public const string Usage = """
        usage: pipeline-router-agent --bucket NAME [options]
          --bucket NAME          routes bucket (PIPELINE_ROUTES_BUCKET)
          --node ID              node id in routes/status/<node>.json (PIPELINE_ROUTER_NODE, default: host name)
          --s3-endpoint URL      S3-compatible endpoint, path-style (PIPELINE_S3_ENDPOINT; default: AWS)
          --region NAME          AWS region (AWS_REGION, default: us-east-1)
          --config PATH          haproxy.cfg to manage (PIPELINE_HAPROXY_CONFIG, default: /etc/haproxy/haproxy.cfg)
          --master-socket PATH   haproxy master CLI socket, -S (PIPELINE_HAPROXY_MASTER_SOCKET, default: /run/haproxy-master.sock)
          --haproxy PATH         haproxy binary (PIPELINE_HAPROXY, default: /usr/sbin/haproxy)
          --poll-interval DUR    e.g. 2s, 500ms (PIPELINE_ROUTER_POLL_INTERVAL, default: 2s)
          --max-config-bytes N   refuse a published config larger than this (PIPELINE_ROUTER_MAX_CONFIG_BYTES, default: 1048576, 1 MiB)
          --check-timeout DUR    kill `haproxy -c` and refuse the config after this long (PIPELINE_HAPROXY_CHECK_TIMEOUT, default: 10s)
          --ready-port N         serve GET /ready on this TCP port: 200 once the current routes are applied, else 503
                                 (PIPELINE_ROUTER_READY_PORT, default: 0, none); the load balancer's health check
          --bind ADDRESS         this router's listening address, for the published config's "${PIPELINE_ROUTER_BIND-...}"
                                 (PIPELINE_ROUTER_BIND; default: the published address)
          --port N               this router's HTTP port (PIPELINE_ROUTER_PORT; default: the published port)
          --runtime-socket PATH  this router's haproxy runtime socket (PIPELINE_ROUTER_RUNTIME_SOCKET; default: the published path)
          --supervise            start haproxy in master-worker mode as a child and restart it if it dies
        """;

    public static AgentOptions Parse(IReadOnlyList<string> args, Func<string, string?> env)
    {
        ArgumentNullException.ThrowIfNull(env);
        var arguments = AgentArguments.Parse(args, env, Usage, "--supervise");
        string? Get(string name, string variable) => arguments.Get(name, variable);

        var bucket = Get("bucket", "PIPELINE_ROUTES_BUCKET")
            ?? throw new ArgumentException("--bucket (or PIPELINE_ROUTES_BUCKET) is required\n" + Usage);
        var endpoint = Get("s3-endpoint", "PIPELINE_S3_ENDPOINT");
        var options = new AgentOptions(
            Get("node", "PIPELINE_ROUTER_NODE") ?? Environment.MachineName,
            bucket,
            string.IsNullOrEmpty(endpoint) ? null : new Uri(endpoint),
            Get("region", "AWS_REGION") ?? "us-east-1",
            Get("config", "PIPELINE_HAPROXY_CONFIG") ?? "/etc/haproxy/haproxy.cfg",
            Get("master-socket", "PIPELINE_HAPROXY_MASTER_SOCKET") ?? "/run/haproxy-master.sock",
            Get("haproxy", "PIPELINE_HAPROXY") ?? "/usr/sbin/haproxy",
            ParseDuration(Get("poll-interval", "PIPELINE_ROUTER_POLL_INTERVAL") ?? "2s"),
            arguments.HasFlag("--supervise") || env("PIPELINE_ROUTER_SUPERVISE") == "1",
            ParseSize(Get("max-config-bytes", "PIPELINE_ROUTER_MAX_CONFIG_BYTES")),
            ParseDuration(Get("check-timeout", "PIPELINE_HAPROXY_CHECK_TIMEOUT") ?? "10s", "--check-timeout"),
            ParsePort(Get("ready-port", "PIPELINE_ROUTER_READY_PORT")),
            RouterEnvironment(Get("bind", RouterSettings.BindVariable), Get("port", RouterSettings.PortVariable), Get("runtime-socket", RouterSettings.RuntimeSocketVariable)));
        if (!System.Text.RegularExpressions.Regex.IsMatch(options.Node, @"\A[A-Za-z0-9._-]{1,128}\z"))
        {
            throw new ArgumentException($"--node: must be 1-128 letters, digits or '.', '_', '-' (got '{options.Node}')");
        }

        return options;
    }

    public static TimeSpan ParseDuration(string text, string option = "--poll-interval")
    {
        ArgumentNullException.ThrowIfNull(text);
        var (number, scale) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 1.0)
            : text.EndsWith('s') ? (text[..^1], 1000.0)
            : (text, 1000.0);
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value <= 0)
        {
            throw new ArgumentException($"{option}: must be a positive duration like 2s or 500ms (got '{text}')");
        }

        return TimeSpan.FromMilliseconds(value * scale);
    }

    /// <summary>
    /// What this router gives its haproxy (the check and the master) for the published config's
    /// per-router references; the master keeps its environment across reloads, so a reload listens
    /// where the first start did.
    /// </summary>
    private static Dictionary<string, string> RouterEnvironment(string? bind, string? port, string? socket)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (bind is not null)
        {
            environment[RouterSettings.BindVariable] = bind == "*" || System.Net.IPAddress.TryParse(bind, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && bind.Count(c => c == '.') == 3
                ? bind
                : throw new ArgumentException($"--bind: must be an IPv4 address or * (got '{bind}')");
        }

        if (port is not null)
        {
            environment[RouterSettings.PortVariable] = ParsePort(port, "--port") is > 0 and var n
                ? n.ToString(CultureInfo.InvariantCulture)
                : throw new ArgumentException($"--port: must be a TCP port from 1 to 65535 (got '{port}')");
        }

        if (socket is not null)
        {
            environment[RouterSettings.RuntimeSocketVariable] = System.Text.RegularExpressions.Regex.IsMatch(socket, @"\A/[A-Za-z0-9._/-]{1,200}\z")
                ? socket
                : throw new ArgumentException($"--runtime-socket: must be an absolute path of letters, digits and '.', '_', '/', '-' (got '{socket}')");
        }

        return environment;
    }

    private static int ParsePort(string? text, string option = "--ready-port") =>
        text is null ? 0
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535 ? port
        : throw new ArgumentException($"{option}: must be a TCP port from 1 to 65535{(option == "--ready-port" ? ", or 0 for none" : "")} (got '{text}')");

    private static long ParseSize(string? text)
    {
        if (text is null)
        {
            return Pipeline.Core.Routing.RenderedConfig.MaxBytes;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) && bytes is >= 1024 and <= 64L << 20
            ? bytes
            : throw new ArgumentException($"--max-config-bytes: must be a whole number of bytes from 1024 to 67108864 (got '{text}')");
    }
}
