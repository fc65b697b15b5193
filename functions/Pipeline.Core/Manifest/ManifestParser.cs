using Pipeline.Core.Fleet;
using Pipeline.Core.Labels;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Core.Manifest;

/// <summary>
/// Turns service.yaml text into a <see cref="ServiceManifest"/>, or into every problem it has,
/// each as <c>file:line:column: field.path: message</c>. Unknown fields are errors, so a typo
/// never silently falls back to a default. schemas/service.schema.json states the same rules
/// for editors; the tests keep the two in agreement.
/// </summary>
public static class ManifestParser
{
    public const string FileName = "service.yaml";

    /// <summary>Parses or throws <see cref="ManifestInvalidException"/> listing every problem.</summary>
    public static ServiceManifest Parse(string yaml, string file = FileName, string? expectedName = null)
    {
        var result = TryParse(yaml, file, expectedName);
        return result.Manifest ?? throw new ManifestInvalidException(result.Errors);
    }

    /// <param name="expectedName">When set, the manifest's name must be this (the repository's service).</param>
    public static ManifestParseResult TryParse(string yaml, string file = FileName, string? expectedName = null)
    {
        var reader = new YamlNodeReader(file);
        YamlStream stream = [];
        var parser = new Parser(new StringReader(yaml));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            reader.Error(e.Start, "(yaml)", SyntaxMessage(e));
            return new ManifestParseResult(null, reader.Errors);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this on some malformed input; the last event read is
            // the best position known.
            reader.Error(parser.Current?.End ?? new Mark(), "(yaml)",
                "invalid YAML: the structure breaks off here (check brackets, quotes and indentation)");
            return new ManifestParseResult(null, reader.Errors);
        }

        if (stream.Documents.Count != 1)
        {
            reader.Error(new Mark(), "(yaml)",
                stream.Documents.Count == 0 ? "the file is empty" : "must hold exactly one YAML document");
            return new ManifestParseResult(null, reader.Errors);
        }

        var root = stream.Documents[0].RootNode;
        var manifest = ReadService(reader, root, expectedName);
        return reader.Errors.Count == 0 && manifest is not null
            ? new ManifestParseResult(manifest, []) { Positions = Positions(root) }
            : new ManifestParseResult(null, reader.Errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ToList());
    }

    /// <summary>Where <c>name</c> and each <c>routes[i]</c> are, for the checks that span manifests.</summary>
    private static Dictionary<string, (int Line, int Column)> Positions(YamlNode root)
    {
        var positions = new Dictionary<string, (int Line, int Column)>(StringComparer.Ordinal);
        var map = (YamlMappingNode)root;
        foreach (var (key, value) in map.Children)
        {
            var field = (key as YamlScalarNode)?.Value;
            if (field is not null)
            {
                positions[field] = ((int)key.Start.Line, (int)key.Start.Column);
            }

            if (field is "routes" or "compose" && value is YamlSequenceNode items)
            {
                for (var i = 0; i < items.Children.Count; i++)
                {
                    positions[$"{field}[{i}]"] = ((int)items.Children[i].Start.Line, (int)items.Children[i].Start.Column);
                }
            }
        }

        return positions;
    }

    private static ServiceManifest? ReadService(YamlNodeReader reader, YamlNode root, string? expectedName)
    {
        var map = reader.Mapping(root, string.Empty);
        if (map is null)
        {
            return null;
        }

        var name = Field(map, "name", required: true, (n, p) => reader.String(n, p, Naming.ServiceName.IsValid,
            $"must be DNS-safe: {Naming.ServiceName.Rule}"));
        if (name is not null && expectedName is not null && name != expectedName)
        {
            reader.Error(map.Optional("name")!, map.Child("name"), $"is '{name}' but this pipeline builds service '{expectedName}'");
            name = null;
        }

        if (map.Optional("build") is null && map.Optional("compose") is not null)
        {
            return ReadComposite(reader, map, name);
        }

        var port = Field(map, "port", required: true, (n, p) => reader.Int(n, p, 1, 65535));
        var health = ReadHealth(reader, map);
        var versionPath = Field(map, "versionPath", false, (n, p) => HttpPath(reader, n, p)) ?? "/version";
        var routes = ReadRoutes(reader, map);
        var compositions = CompositionReader.Read(reader, map, name, routes);
        var instances = ReadInstances(reader, map);
        var label = ReadLabel(reader, map);
        var build = ReadBuild(reader, map);
        var start = Field(map, "start", false, (n, p) => reader.String(n, p, ManifestGrammar.StartRegex(), ManifestGrammar.StartRule)) ?? "npm start";
        var tables = TableReader.ReadTables(reader, map);
        var env = ReadEnv(reader, map, tables ?? []);
        var auth = AuthReader.ReadAuth(reader, map, name);
        map.RejectUnknown();

        if (name is null || port is null || health is null || routes is null || instances is null || compositions is null
            || label is null || build is null || env is null || tables is null || auth is { Valid: false })
        {
            return null;
        }

        return new ServiceManifest(name, port.Value, health, versionPath, routes, instances, label, build,
            start, env.Value.Values, tables)
        {
            Secrets = env.Value.Secrets,
            Auth = auth?.Settings,
            Compositions = compositions,
        };
    }

    /// <summary>Fields that describe instances, which a composite service does not have.</summary>
    private static readonly string[] InstanceFields = ["port", "health", "versionPath", "routes", "instances", "start", "env", "tables", "auth"];

    /// <summary>
    /// <c>compose:</c> without <c>build:</c>: a service made only of compositions. It has no build,
    /// no instances and no tables, so a field about them would silently do nothing: each is refused.
    /// </summary>
    private static ServiceManifest? ReadComposite(YamlNodeReader reader, MappingReader map, string? name)
    {
        var ok = true;
        foreach (var field in InstanceFields)
        {
            if (map.Optional(field) is { } node)
            {
                reader.Error(node, map.Child(field),
                    "a composite service (compose without build) runs no instances, so this would do nothing; add a build to make it a regular service");
                ok = false;
            }
        }

        var compositions = CompositionReader.Read(reader, map, name, []);
        var label = ReadLabel(reader, map);
        map.RejectUnknown();
        if (!ok || name is null || compositions is null || label is null)
        {
            return null;
        }

        return new ServiceManifest(name, 0, new HealthCheck("/status", 10, 5, 3, 2, HealthCheck.DefaultGraceSeconds), "/version",
            [], new InstancePolicy(0, 100), label, null, "npm start", new Dictionary<string, string>(), [])
        {
            Compositions = compositions,
        };
    }

    private static HealthCheck? ReadHealth(YamlNodeReader reader, MappingReader service)
    {
        var node = service.Optional("health");
        if (node is null)
        {
            return new HealthCheck("/status", 10, 5, 3, 2, HealthCheck.DefaultGraceSeconds);
        }

        var map = reader.Mapping(node, service.Child("health"));
        if (map is null)
        {
            return null;
        }

        var path = Field(map, "path", false, (n, p) => HttpPath(reader, n, p)) ?? "/status";
        var interval = Field(map, "intervalSeconds", false, (n, p) => reader.Int(n, p, 5, 300)) ?? 10;
        var timeoutNode = map.Optional("timeoutSeconds");
        var timeout = timeoutNode is null ? Math.Min(5, interval - 1) : reader.Int(timeoutNode, map.Child("timeoutSeconds"), 2, 120);
        var healthy = Field(map, "healthyThreshold", false, (n, p) => reader.Int(n, p, 2, 10)) ?? 3;
        var unhealthy = Field(map, "unhealthyThreshold", false, (n, p) => reader.Int(n, p, 2, 10)) ?? 2;
        var grace = Field(map, "graceSeconds", false, (n, p) => reader.Int(n, p, 10, 1800)) ?? HealthCheck.DefaultGraceSeconds;
        map.RejectUnknown();
        if (timeoutNode is not null && timeout >= interval)
        {
            reader.Error(timeoutNode, map.Child("timeoutSeconds"),
                $"must be less than intervalSeconds ({interval}), or probes would overlap");
            return null;
        }

        return timeout is null ? null : new HealthCheck(path, interval, timeout.Value, healthy, unhealthy, grace);
    }

    private static List<Route>? ReadRoutes(YamlNodeReader reader, MappingReader service) =>
        service.OptionalList("routes", (node, path) => reader.Mapping(node, path) is { } map ? ReadRoute(reader, map) : null,
            key: route => route.Key, repeats: (route, first) => $"repeats routes[{first}] ({route.Key})");

    private static Route? ReadRoute(YamlNodeReader reader, MappingReader map)
    {
        var host = Field(map, "host", false, (n, p) => reader.String(n, p, ManifestGrammar.HostRegex(), ManifestGrammar.HostRule));
        var prefix = Field(map, "pathPrefix", false, (n, p) => reader.String(n, p, ManifestGrammar.PathPrefixRegex(), ManifestGrammar.PathPrefixRule));
        map.RejectUnknown();
        if (map.Optional("host") is null && map.Optional("pathPrefix") is null)
        {
            reader.Error(map.Node, map.Path, "needs a host, a pathPrefix or both");
            return null;
        }

        var bad = (map.Optional("host") is not null && host is null) || (map.Optional("pathPrefix") is not null && prefix is null);
        return bad ? null : new Route(host, prefix);
    }

    private static InstancePolicy? ReadInstances(YamlNodeReader reader, MappingReader service)
    {
        var node = service.Optional("instances");
        if (node is null)
        {
            return new InstancePolicy(1, 100);
        }

        var map = reader.Mapping(node, service.Child("instances"));
        if (map is null)
        {
            return null;
        }

        var count = Field(map, "count", false, (n, p) => reader.Int(n, p, 1, 100));
        var percent = Field(map, "minHealthyPercent", false, (n, p) => reader.Int(n, p, 0, 100));
        map.RejectUnknown();
        var countBad = map.Optional("count") is not null && count is null;
        var percentBad = map.Optional("minHealthyPercent") is not null && percent is null;
        return countBad || percentBad ? null : new InstancePolicy(count ?? 1, percent ?? 100);
    }

    private static LabelTemplate? ReadLabel(YamlNodeReader reader, MappingReader service)
    {
        var node = service.Optional("label");
        if (node is null)
        {
            return LabelTemplate.Parse(LabelTemplate.Default);
        }

        var text = reader.String(node, service.Child("label"));
        if (text is null)
        {
            return null;
        }

        if (!LabelTemplate.TryParse(text, out var template, out var error))
        {
            reader.Error(node, service.Child("label"), $"'{ManifestGrammar.Visible(text)}': {error}");
        }
        else if (template!.MaxLength > LabelTemplate.MaxLabelLength)
        {
            reader.Error(node, service.Child("label"),
                $"'{text}' renders labels of up to {template.MaxLength} characters; routers, S3 keys and tags take at most {LabelTemplate.MaxLabelLength}");
            return null;
        }

        return template;
    }

    private static BuildSettings? ReadBuild(YamlNodeReader reader, MappingReader service)
    {
        var node = service.Required("build");
        if (node is null)
        {
            return null;
        }

        var map = reader.Mapping(node, service.Child("build"));
        if (map is null)
        {
            return null;
        }

        var buildspec = Field(map, "buildspec", false, (n, p) => RelativePath(reader, n, p));
        var artifact = Field(map, "artifact", required: true, (n, p) => RelativePath(reader, n, p));
        map.RejectUnknown();
        var buildspecBad = map.Optional("buildspec") is not null && buildspec is null;
        return artifact is null || buildspecBad ? null : new BuildSettings(buildspec ?? "buildspec.yml", artifact);
    }

    private static (Dictionary<string, string> Values, Dictionary<string, SecretReference> Secrets)? ReadEnv(
        YamlNodeReader reader, MappingReader service, IReadOnlyList<TableSpec> tables)
    {
        var node = service.Optional("env");
        if (node is null)
        {
            return ([], []);
        }

        if (node is not YamlMappingNode mapping)
        {
            reader.Error(node, service.Child("env"), $"must be a mapping of NAME: value, not {YamlNodeReader.Describe(node)}");
            return null;
        }

        var tableVariables = tables.ToDictionary(t => InstanceEnvironment.TableVariable(t.Name), t => t.Name, StringComparer.Ordinal);
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        var secrets = new Dictionary<string, SecretReference>(StringComparer.Ordinal);
        var ok = true;
        foreach (var (key, value) in mapping.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? string.Empty;
            var path = $"{service.Child("env")}.{ManifestGrammar.Visible(name)}";
            var refusal = EnvNameRefusal(name, tableVariables);
            if (refusal is not null)
            {
                reader.Error(key, path, refusal);
                ok = false;
            }

            if (value is YamlMappingNode reference)
            {
                var secret = ReadSecretReference(reader, new MappingReader(reader, reference, path));
                ok &= secret is not null;
                if (secret is not null)
                {
                    secrets[name] = secret;
                }

                continue;
            }

            var text = reader.String(value, path);
            if (text is null)
            {
                ok = false;
                continue;
            }

            if (!ManifestGrammar.EnvValueRegex().IsMatch(text))
            {
                reader.Error(value, path, ManifestGrammar.EnvValueRule);
                ok = false;
            }
            else if (refusal is null && EnvNames.LooksSecret(name))
            {
                reader.Error(value, path,
                    $"looks like a secret (the name contains {EnvNames.SecretWords.First(w => name.Contains(w, StringComparison.Ordinal))}), " +
                    "and a value written here is kept in git history and in EC2 user data: write { ssm: NAME } instead, and the instance " +
                    "reads the SecureString parameter /<prefix>/<service>/NAME at start; if it is not a secret, " +
                    $"use a name without {string.Join(", ", EnvNames.SecretWords)}");
                ok = false;
            }

            env[name] = text;
        }

        return ok ? (env, secrets) : null;
    }

    /// <summary><c>{ ssm: NAME }</c>: the only way a value can be left out of the manifest.</summary>
    private static SecretReference? ReadSecretReference(YamlNodeReader reader, MappingReader map)
    {
        // "env.X.ssm: is required" then names the one form a value read at start takes.
        var name = Field(map, "ssm", required: true,
            (n, p) => reader.String(n, p, ManifestGrammar.SecretNameRegex(), ManifestGrammar.SecretNameRule));
        map.RejectUnknown();
        return name is null ? null : new SecretReference(name);
    }

    private static string? EnvNameRefusal(string name, Dictionary<string, string> tableVariables)
    {
        if (!ManifestGrammar.EnvNameRegex().IsMatch(name))
        {
            return $"'{ManifestGrammar.Visible(name)}': {ManifestGrammar.EnvNameRule}";
        }

        if (EnvNames.Refusal(name) is { } reason)
        {
            return $"is reserved: {reason}";
        }

        return tableVariables.TryGetValue(name, out var table)
            ? $"is reserved: {name} is set by the pipeline to the physical name of table '{table}'"
            : null;
    }

    /// <summary>Reads an optional or required field with <paramref name="read"/>; null when absent or bad.</summary>
    internal static T? Field<T>(MappingReader map, string field, bool required, Func<YamlNode, string, T?> read)
    {
        var node = required ? map.Required(field) : map.Optional(field);
        return node is null ? default : read(node, map.Child(field));
    }

    private static string? HttpPath(YamlNodeReader reader, YamlNode node, string path) =>
        reader.String(node, path, ManifestGrammar.HttpPathRegex(), ManifestGrammar.HttpPathRule);

    private static string? RelativePath(YamlNodeReader reader, YamlNode node, string path) =>
        reader.String(node, path, ManifestGrammar.RepoPathRegex(), ManifestGrammar.RepoPathRule);

    private static string SyntaxMessage(YamlException e)
    {
        var message = e.InnerException?.Message ?? e.Message;
        var cut = message.IndexOf("): ", StringComparison.Ordinal);
        return "invalid YAML: " + (message.StartsWith('(') && cut > 0 ? message[(cut + 3)..] : message);
    }
}

/// <summary>A parsed manifest, or the problems that kept it from being one.</summary>
public sealed record ManifestParseResult(ServiceManifest? Manifest, IReadOnlyList<ManifestError> Errors)
{
    public bool IsValid => Manifest is not null;

    /// <summary>Line and column of top-level fields and of each <c>routes[i]</c> and <c>compose[i]</c> of a valid manifest.</summary>
    public IReadOnlyDictionary<string, (int Line, int Column)> Positions { get; init; } = new Dictionary<string, (int Line, int Column)>();
}
