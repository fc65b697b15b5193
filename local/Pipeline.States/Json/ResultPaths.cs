namespace Pipeline.States.Json;

/// <summary>Applies a ResultPath: places a state's result into a copy of its raw input.</summary>
public static class ResultPaths
{
    /// <param name="resultPath">null means the field was absent ($), an explicit JSON null is passed as <paramref name="discard"/>.</param>
    public static JsonNode? Apply(JsonPath? resultPath, bool discard, JsonNode? rawInput, JsonNode? result)
    {
        if (discard)
        {
            return JsonValues.Clone(rawInput);
        }
        var steps = resultPath?.ReferenceSteps ?? [];
        if (steps.Count == 0)
        {
            return result?.Parent is null ? result : JsonValues.Clone(result);
        }
        var root = JsonValues.Clone(rawInput);
        if (root is not JsonObject && root is not JsonArray)
        {
            throw new StatesException(StatesErrors.ResultPathMatchFailure,
                $"Unable to apply ResultPath '{resultPath!.Text}' to input {JsonValues.Serialize(rawInput)}: the input is not an object");
        }
        JsonNode container = root;
        for (var i = 0; i < steps.Count; i++)
        {
            var last = i == steps.Count - 1;
            var value = last ? JsonValues.Clone(result) : null;
            switch (steps[i], container)
            {
                case (string name, JsonObject o):
                    if (last)
                    {
                        o[name] = value;
                    }
                    else
                    {
                        if (!o.TryGetPropertyValue(name, out var child) || child is null)
                        {
                            child = new JsonObject();
                            o[name] = child;
                        }
                        container = child is JsonObject or JsonArray ? child : throw Mismatch(resultPath!, rawInput);
                    }
                    break;
                case (int index, JsonArray a) when index >= 0 && index < a.Count:
                    if (last)
                    {
                        a[index] = value;
                    }
                    else
                    {
                        container = a[index] is JsonObject or JsonArray ? a[index]! : throw Mismatch(resultPath!, rawInput);
                    }
                    break;
                default:
                    throw Mismatch(resultPath!, rawInput);
            }
        }
        return root;
    }

    private static StatesException Mismatch(JsonPath path, JsonNode? input) =>
        new(StatesErrors.ResultPathMatchFailure,
            $"Unable to apply ResultPath '{path.Text}' to input {JsonValues.Serialize(input)}");
}
