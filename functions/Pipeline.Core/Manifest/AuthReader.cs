using YamlDotNet.RepresentationModel;

namespace Pipeline.Core.Manifest;

/// <summary>
/// Reads <c>auth: { audience: NAME, routes: [ { method: GET, path: /orders/:id, scopes: [orders:read] } ] }</c>.
/// The issuer is never here: it is the stack's, so a committed service.yaml names no machine.
/// </summary>
internal static class AuthReader
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    /// <summary>Null when there is no auth section; Valid false when it has errors (already reported).</summary>
    public static (bool Valid, AuthSettings? Settings)? ReadAuth(YamlNodeReader reader, MappingReader service, string? serviceName)
    {
        var node = service.Optional("auth");
        if (node is null)
        {
            return null;
        }

        var map = reader.Mapping(node, service.Child("auth"));
        if (map is null)
        {
            return (false, null);
        }

        var audienceNode = map.Optional("audience");
        var audience = audienceNode is null ? serviceName : ManifestParser.Field(map, "audience", false, Token(reader));
        var routes = ReadRoutes(reader, map);
        map.RejectUnknown();
        return audience is null || routes is null
            ? (false, null)
            : (true, new AuthSettings(audience, routes));
    }

    private static Func<YamlNode, string, string?> Token(YamlNodeReader reader) =>
        (n, p) => reader.String(n, p, ManifestGrammar.AuthTokenRegex(), ManifestGrammar.AuthTokenRule);

    private static List<RouteScopes>? ReadRoutes(YamlNodeReader reader, MappingReader auth) =>
        auth.OptionalList("routes", (node, path) => reader.Mapping(node, path) is { } map ? ReadRoute(reader, map) : null,
            key: route => $"{route.Method} {route.Path}",
            repeats: (route, _) => $"repeats {route.Method} {route.Path}; give each route once with all its scopes");

    private static RouteScopes? ReadRoute(YamlNodeReader reader, MappingReader map)
    {
        var method = ManifestParser.Field(map, "method", true, (n, p) => reader.Choice(n, p, Methods));
        var route = ManifestParser.Field(map, "path", true, (n, p) => reader.String(n, p, ManifestGrammar.RoutePatternRegex(), ManifestGrammar.RoutePatternRule));
        var scopes = ManifestParser.Field(map, "scopes", true, (n, p) => ReadScopes(reader, n, p));
        map.RejectUnknown();
        return method is null || route is null || scopes is null ? null : new RouteScopes(method, route, scopes);
    }

    private static List<string>? ReadScopes(YamlNodeReader reader, YamlNode node, string path)
    {
        var sequence = reader.Sequence(node, path);
        if (sequence is null)
        {
            return null;
        }

        if (sequence.Children.Count == 0)
        {
            reader.Error(node, path, "must name at least one scope");
            return null;
        }

        var scopes = sequence.Children.Select((n, i) => reader.String(n, $"{path}[{i}]", ManifestGrammar.AuthTokenRegex(), ManifestGrammar.AuthTokenRule)).ToList();
        return scopes.Any(s => s is null) ? null : [.. scopes.Select(s => s!)];
    }
}
