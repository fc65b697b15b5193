using System.Text.RegularExpressions;

namespace Pipeline.Core.Routing;

/// <summary>
/// Every line shape <see cref="HaproxyConfigWriter"/> writes, section by section, and nothing else.
/// A router agent refuses a config with any other line before <c>haproxy -c</c> sees it: the
/// config passes through a bucket, and a bucket writer must not get a shell on the routers
/// (<c>insecure-fork-wanted</c>, <c>external-check</c>, <c>lua-load</c>, <c>program</c> sections,
/// <c>http-request return ... file</c>, a stats socket on TCP). The renderer's tests check that
/// everything it writes matches, so the two cannot drift apart.
/// </summary>
public static partial class HaproxyConfigGrammar
{
    private const string Word = @"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}";
    private const string Number = "[0-9]{1,9}";
    private const string Ip = @"(\*|[0-9]{1,3}(\.[0-9]{1,3}){3})";
    private const string Port = "[0-9]{1,5}";
    private const string Address = $"{Ip}:{Port}";
    private const string UnixPath = "/[A-Za-z0-9._/-]{1,200}";
    private const string UrlPath = "/[A-Za-z0-9._~%/@:+,;=?&-]{0,1024}";
    private const string Host = "[a-z0-9][a-z0-9.-]{0,252}";
    private const string ServiceName = "[a-z][a-z0-9-]{0,62}";
    private const string Backend = "(svc_" + ServiceName + "|" + HaproxyConfigCompiler.NotFoundBackend + ")";
    private const string Name = "[a-z_][a-z0-9_-]{0,31}";

    /// <summary>The sections the writer opens, each with the directive lines it writes inside it.</summary>
    private static readonly (Regex Header, Regex[] Lines)[] Sections =
    [
        (Line("global"),
        [
            Line($"maxconn {Number}"),
            Line($"stats socket ({UnixPath}|\"{PerRouter(RouterSettings.RuntimeSocketVariable, UnixPath)}\") mode 600 level admin expose-fd listeners"),
            Line("stats timeout 30s"),
            Line($"hard-stop-after {Number}s"),
            Line($"user {Name}"),
            Line($"group {Name}"),
        ]),
        (Line("defaults"),
        [
            Line("mode http"),
            // Configs published before frontend http closed its own connections have it here.
            Line("option httpclose"),
            Line("option redispatch 1"),
            Line("retries 3"),
            Line("retry-on " + HaproxyConfigWriter.RetryOn),
            Line($"timeout (connect|client|server|http-request|queue|check) {Number}ms"),
        ]),
        (Line("frontend http"),
        [
            Line($"bind {Address}"),
            Line($"bind \"{PerRouter(RouterSettings.BindVariable, Ip)}:{PerRouter(RouterSettings.PortVariable, Port)}\""),
            Line($@"\.if defined\({RouterSettings.ListenerFdVariable}\)"),
            Line($@"bind ""fd@\$\{{{RouterSettings.ListenerFdVariable}\}}"""),
            Line(@"\.else"),
            Line(@"\.endif"),
            // Configs published before each backend chose its own side closed every connection here.
            Line("option httpclose"),
            Line("http-after-response set-header Connection close"),
            Line($@"acl r{Number}_host hdr\(host\),field\(1,:\) -i {Host}"),
            Line($"acl r{Number}_path path {UrlPath}"),
            Line($"acl r{Number}_path path_beg {UrlPath}"),
            Line($"use_backend {Backend}( if r{Number}_(host|path)( r{Number}_(host|path))?)?"),
            Line($"use_backend {HaproxyConfigCompiler.ComposerBackend} if r{Number}_path"),
            Line($"default_backend {HaproxyConfigCompiler.NotFoundBackend}"),
        ]),
        (Line($"backend {Backend}"),
        [
            Line(Regex.Escape($"http-request return status 404 content-type text/plain string \"{HaproxyConfigWriter.NotFoundBody}\"")),
            Line("balance roundrobin"),
            Line("option http-server-close"),
            Line("http-request disable-l7-retry unless METH_GET"),
            Line($"option httpchk GET {UrlPath}"),
            Line($"default-server inter {Number}s fastinter {Number}ms downinter {Number}ms rise {Number} fall {Number} observe layer7 error-limit {Number} on-error mark-down"),
            Line($"server {Word} {Address} check"),
        ]),
        // The composer and the frontend it calls services through: loopback only.
        (Line($"backend {HaproxyConfigCompiler.ComposerBackend}"),
        [
            Line("http-reuse always"),
            Line("retry-on " + HaproxyConfigWriter.ComposerRetryOn),
            Line("http-request disable-l7-retry unless METH_GET"),
            Line($@"server composer 127\.0\.0\.1:{Port}"),
        ]),
        (Line("frontend compose_calls"),
        [
            Line($@"bind 127\.0\.0\.1:{Port}"),
            // Configs published before GET calls went over kept connections have it.
            Line("option http-server-close"),
            Line($"timeout http-keep-alive {Number}ms"),
            Line($@"use_backend calls_({ServiceName}) if METH_GET \{{ req\.hdr\({Compose.CompositionLines.ServiceHeader}\) -m str \1 \}}"),
            Line($@"use_backend svc_({ServiceName}) if \{{ req\.hdr\({Compose.CompositionLines.ServiceHeader}\) -m str \1 \}}"),
            Line($"default_backend {HaproxyConfigCompiler.NotFoundBackend}"),
        ]),
        (Line($"backend calls_{ServiceName}"),
        [
            Line("balance roundrobin"),
            Line("option http-keep-alive"),
            Line($@"server ({Word}) {Address} track svc_{ServiceName}/\1"),
        ]),
    ];

    /// <summary>Every line that is not a comment, a blank or a line the writer writes in that section; empty when the config is acceptable.</summary>
    public static IReadOnlyList<string> Violations(string config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var problems = new List<string>();
        Regex[]? section = null;
        var lines = config.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0 || Comment().IsMatch(line))
            {
                continue;
            }

            if (!line.StartsWith(' '))
            {
                section = Sections.FirstOrDefault(s => s.Header.IsMatch(line)).Lines;
                if (section is null)
                {
                    problems.Add($"line {i + 1}: '{Show(line)}' is not a section the renderer writes");
                }

                continue;
            }

            var directive = line.StartsWith("    ", StringComparison.Ordinal) ? line[4..] : null;
            if (section is null || directive is null || !section.Any(r => r.IsMatch(directive)))
            {
                problems.Add($"line {i + 1}: '{Show(line.Trim())}' is not a directive the renderer writes there");
            }
        }

        return problems;
    }

    /// <summary>A reference to one of the router's own variables (no other name), with its published default.</summary>
    private static string PerRouter(string variable, string value) => $@"\$\{{{variable}-{value}\}}";

    private static string Show(string line) => line.Length <= 80 ? line : line[..80] + "...";

    private static Regex Line(string pattern) => new(@"\A" + pattern + @"\z", RegexOptions.CultureInvariant);

    // Comments are ignored by haproxy; the writer indents them like the directives around them.
    [GeneratedRegex(@"\A( {4})?#[^\r\x00]*\z")]
    private static partial Regex Comment();
}
