using Pipeline.Core.Compose;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Core.Manifest;

/// <summary>
/// Reads <c>compose: [ { path, method, timeoutMs, calls: { name: { service, path } }, require: [name] } ]</c>.
/// Every rule one file can check is checked here, each error at the node it is about.
/// </summary>
internal static class CompositionReader
{
    private static readonly string[] Methods = ["GET", "POST"];

    /// <summary>Empty when there is no compose section; null when it has errors (already reported).</summary>
    public static List<Composition>? Read(YamlNodeReader reader, MappingReader service, string? serviceName, IReadOnlyList<Route>? routes)
    {
        var node = service.Optional("compose");
        if (node is null)
        {
            return [];
        }

        var sequence = reader.Sequence(node, service.Child("compose"));
        if (sequence is null)
        {
            return null;
        }

        if (sequence.Children.Count == 0)
        {
            reader.Error(node, service.Child("compose"), "is empty; list at least one composition or remove the line");
            return null;
        }

        var compositions = new List<Composition>();
        var ok = true;
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var routeKeys = (routes ?? []).Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var path = $"{service.Child("compose")}[{i}]";
            var composition = ReadOne(reader, sequence.Children[i], path, serviceName ?? "?");
            if (composition is null)
            {
                ok = false;
                continue;
            }

            var identity = $"{composition.Method} {composition.Path}";
            var prefixKey = RouteKeys.Key(null, composition.StaticPrefix);
            if (seen.TryGetValue(identity, out var first))
            {
                reader.Error(sequence.Children[i], path, $"repeats compose[{first}] ({identity})");
                ok = false;
            }
            else if (routeKeys.Contains(prefixKey))
            {
                reader.Error(sequence.Children[i], path,
                    $"claims {prefixKey} (its path up to the first {{parameter}}), which this service's routes already send to its instances; a route goes to one place");
                ok = false;
            }
            else
            {
                seen[identity] = i;
                compositions.Add(composition);
            }
        }

        return ok ? compositions : null;
    }

    private static Composition? ReadOne(YamlNodeReader reader, YamlNode node, string path, string serviceName)
    {
        var map = reader.Mapping(node, path);
        if (map is null)
        {
            return null;
        }

        var template = ManifestParser.Field(map, "path", required: true,
            (n, p) => reader.String(n, p, ManifestGrammar.CompositionPathRegex(), ManifestGrammar.CompositionPathRule));
        var method = ManifestParser.Field(map, "method", false, (n, p) => reader.Choice(n, p, Methods));
        var timeout = ManifestParser.Field(map, "timeoutMs", false,
            (n, p) => reader.Int(n, p, Composition.MinTimeoutMs, Composition.MaxTimeoutMs));
        var parameters = template is null ? null : Parameters(reader, map, template);
        var calls = ReadCalls(reader, map, parameters);
        var require = ReadRequire(reader, map, calls);
        map.RejectUnknown();
        var bad = template is null || parameters is null || calls is null || require is null
            || (map.Optional("method") is not null && method is null)
            || (map.Optional("timeoutMs") is not null && timeout is null);
        return bad
            ? null
            : new Composition(serviceName, template!, method ?? "GET", timeout ?? Composition.DefaultTimeoutMs, calls!, require!);
    }

    private static HashSet<string>? Parameters(YamlNodeReader reader, MappingReader map, string template)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in PathTemplate.Parse(template).Parameters)
        {
            if (!names.Add(name))
            {
                reader.Error(map.Optional("path")!, map.Child("path"), $"names the parameter {{{name}}} twice");
                return null;
            }
        }

        return names;
    }

    private static Dictionary<string, CompositionCall>? ReadCalls(YamlNodeReader reader, MappingReader composition, HashSet<string>? parameters)
    {
        var node = composition.Required("calls");
        if (node is null)
        {
            return null;
        }

        if (node is not YamlMappingNode mapping || mapping.Children.Count == 0)
        {
            reader.Error(node, composition.Child("calls"),
                $"must be a mapping of at least one NAME: {{ service, path }}, not {YamlNodeReader.Describe(node)}");
            return null;
        }

        if (mapping.Children.Count > Composition.MaxCalls)
        {
            reader.Error(node, composition.Child("calls"), $"has {mapping.Children.Count} calls; a composition makes at most {Composition.MaxCalls}");
            return null;
        }

        var calls = new Dictionary<string, CompositionCall>(StringComparer.Ordinal);
        var ok = true;
        foreach (var (key, value) in mapping.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? string.Empty;
            var path = $"{composition.Child("calls")}.{ManifestGrammar.Visible(name)}";
            if (!ManifestGrammar.IdentifierRegex().IsMatch(name))
            {
                reader.Error(key, path, $"'{ManifestGrammar.Visible(name)}': call names become JSON keys of the answer: {ManifestGrammar.IdentifierRule}");
                ok = false;
            }
            else if (name == Composition.ErrorsKey)
            {
                reader.Error(key, path, $"'{Composition.ErrorsKey}' is where the answer lists failed calls; name the call otherwise");
                ok = false;
            }

            var call = ReadCall(reader, value, path, parameters);
            ok &= call is not null;
            if (call is not null)
            {
                calls[name] = call;
            }
        }

        return ok ? calls : null;
    }

    private static CompositionCall? ReadCall(YamlNodeReader reader, YamlNode node, string path, HashSet<string>? parameters)
    {
        var map = reader.Mapping(node, path);
        if (map is null)
        {
            return null;
        }

        var service = ManifestParser.Field(map, "service", required: true, (n, p) => reader.String(n, p, Naming.ServiceName.IsValid,
            $"must be a service name: {Naming.ServiceName.Rule}"));
        var callPath = ManifestParser.Field(map, "path", required: true,
            (n, p) => reader.String(n, p, ManifestGrammar.CallPathRegex(), ManifestGrammar.CallPathRule));
        map.RejectUnknown();
        if (callPath is not null && parameters is not null)
        {
            var unknown = PathTemplate.PlaceholdersOf(callPath).Where(p => !parameters.Contains(p)).Distinct().ToList();
            if (unknown.Count > 0)
            {
                reader.Error(map.Optional("path")!, map.Child("path"),
                    $"uses {string.Join(", ", unknown.Select(u => "{" + u + "}"))}, which the composition's path does not declare" +
                    (parameters.Count == 0 ? " (it has no parameters)" : $" (it has {string.Join(", ", parameters.Order(StringComparer.Ordinal).Select(p => "{" + p + "}"))})"));
                return null;
            }
        }

        return service is null || callPath is null ? null : new CompositionCall(service, callPath);
    }

    private static List<string>? ReadRequire(YamlNodeReader reader, MappingReader composition, Dictionary<string, CompositionCall>? calls) =>
        composition.OptionalList("require", (node, path) => ReadRequired(reader, node, path, calls),
            key: name => name, repeats: (name, _) => $"'{name}' is listed twice");

    private static string? ReadRequired(YamlNodeReader reader, YamlNode node, string path, Dictionary<string, CompositionCall>? calls)
    {
        var name = reader.String(node, path);
        if (name is not null && calls is not null && !calls.ContainsKey(name))
        {
            reader.Error(node, path,
                $"'{ManifestGrammar.Visible(name)}' is not a call of this composition (calls: {string.Join(", ", calls.Keys)})");
            return null;
        }

        return name;
    }
}
