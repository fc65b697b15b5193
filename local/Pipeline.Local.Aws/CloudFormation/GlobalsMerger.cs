namespace Pipeline.Local.Aws.CloudFormation;

/// <summary>
/// SAM's Globals rules: a resource's scalar wins over the global one, maps merge key by key (so a
/// function's Environment.Variables add to the global ones), lists are the global items followed by
/// the resource's.
/// </summary>
internal static class GlobalsMerger
{
    public static JsonObject Merge(JsonObject? globals, JsonObject? properties)
    {
        var merged = (JsonObject?)globals?.DeepClone() ?? [];
        foreach (var (key, value) in properties ?? [])
        {
            merged[key] = merged[key] switch
            {
                JsonObject g when value is JsonObject r && !IsIntrinsic(g) && !IsIntrinsic(r) => Merge(g, r),
                JsonArray g when value is JsonArray r => new JsonArray([.. g.Select(Clone), .. r.Select(Clone)]),
                _ => value?.DeepClone(),
            };
        }

        return merged;
    }

    private static JsonNode? Clone(JsonNode? node) => node?.DeepClone();

    private static bool IsIntrinsic(JsonObject obj) =>
        obj.Count == 1 && obj.First().Key is var key && (key == "Ref" || key.StartsWith("Fn::", StringComparison.Ordinal));
}
