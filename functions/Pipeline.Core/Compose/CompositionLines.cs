using Pipeline.Core.Routing;

namespace Pipeline.Core.Compose;

/// <summary>
/// How compositions travel inside the published haproxy.cfg: one comment line of compact JSON each,
/// <c># compose {...}</c>. HAProxy ignores them; the composer reads them from the config the router
/// agent applied, so it never serves a composition the running HAProxy does not route to it.
/// </summary>
public static class CompositionLines
{
    public const string Prefix = "# compose ";

    /// <summary>The header the composer names the called service in, read by the calls frontend.</summary>
    public const string ServiceHeader = "x-pipeline-service";

    /// <summary>One line: compact JSON escapes every control character, so it cannot span lines.</summary>
    public static string Line(Composition composition) =>
        Prefix + JsonSerializer.Serialize(composition, RoutingJsonContext.Default.Composition);

    /// <summary>Every composition of a config's text, in order.</summary>
    /// <exception cref="InvalidDataException">A composition line is not a composition.</exception>
    public static IReadOnlyList<Composition> Read(string config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var compositions = new List<Composition>();
        foreach (var line in config.Split('\n'))
        {
            if (!line.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                compositions.Add(JsonSerializer.Deserialize(line[Prefix.Length..], RoutingJsonContext.Default.Composition)
                    ?? throw new InvalidDataException("a composition line holds null"));
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"a composition line is not a composition: {e.Message}", e);
            }
        }

        return compositions;
    }
}
