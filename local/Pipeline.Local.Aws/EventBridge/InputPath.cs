namespace Pipeline.Local.Aws.EventBridge;

/// <summary>The JSONPath subset EventBridge's InputPath accepts: <c>$</c> and dotted field names.</summary>
internal static class InputPath
{
    public static JsonNode? Select(JsonObject evt, string path)
    {
        if (path == "$")
        {
            return evt.DeepClone();
        }

        if (!path.StartsWith("$.", StringComparison.Ordinal))
        {
            throw new ArgumentException($"InputPath '{path}' must start with '$.'", nameof(path));
        }

        JsonNode? node = evt;
        foreach (var part in path[2..].Split('.'))
        {
            node = node is JsonObject obj && obj.TryGetPropertyValue(part, out var next)
                ? next
                : throw new ArgumentException($"InputPath '{path}': the event has no field '{part}'", nameof(path));
        }

        return node?.DeepClone();
    }
}
