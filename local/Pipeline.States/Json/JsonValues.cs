namespace Pipeline.States.Json;

/// <summary>Helpers over System.Text.Json.Nodes, where a C# null stands for JSON null.</summary>
public static class JsonValues
{
    // Relaxed escaping writes ' and non-ASCII characters as they are, the way Step Functions prints payloads.
    private static readonly JsonSerializerOptions Compact = new()
    {
        WriteIndented = false,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static JsonNode? Clone(JsonNode? node) => node?.DeepClone();

    public static string Serialize(JsonNode? node) => node is null ? "null" : node.ToJsonString(Compact);

    public static JsonNode? Parse(string json) =>
        JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });

    public static JsonValueKind Kind(JsonNode? node) => node is null ? JsonValueKind.Null : node.GetValueKind();

    public static bool IsNumber(JsonNode? node) => Kind(node) == JsonValueKind.Number;

    public static bool IsString(JsonNode? node) => Kind(node) == JsonValueKind.String;

    public static bool IsBoolean(JsonNode? node) => Kind(node) is JsonValueKind.True or JsonValueKind.False;

    public static bool TryGetString(JsonNode? node, out string value)
    {
        if (IsString(node))
        {
            value = node!.GetValue<string>();
            return true;
        }
        value = "";
        return false;
    }

    public static bool TryGetDouble(JsonNode? node, out double value)
    {
        value = 0;
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }
        if (v.TryGetValue(out double d) || v.TryGetValue(out JsonElement e) && e.TryGetDouble(out d))
        {
            value = d;
            return true;
        }
        if (v.TryGetValue(out long l))
        {
            value = l;
            return true;
        }
        if (v.TryGetValue(out int i))
        {
            value = i;
            return true;
        }
        return double.TryParse(Serialize(node), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>An integer value of a JSON number, accepting 3.0 as 3 the way JSON has no integer type.</summary>
    public static bool TryGetInteger(JsonNode? node, out long value)
    {
        value = 0;
        if (!TryGetDouble(node, out var d) || Math.Floor(d) != d || Math.Abs(d) > 9.007199254740991E15)
        {
            return false;
        }
        value = (long)d;
        return true;
    }

    public static JsonNode Number(double value) =>
        Math.Floor(value) == value && Math.Abs(value) < 9.007199254740991E15
            ? JsonValue.Create((long)value)
            : JsonValue.Create(value);

    /// <summary>Structural equality; numbers compare by value so 1 and 1.0 are equal.</summary>
    public static bool DeepEquals(JsonNode? a, JsonNode? b)
    {
        var ka = Kind(a);
        var kb = Kind(b);
        if (ka != kb)
        {
            return false;
        }
        switch (ka)
        {
            case JsonValueKind.Null or JsonValueKind.True or JsonValueKind.False:
                return true;
            case JsonValueKind.Number:
                TryGetDouble(a, out var da);
                TryGetDouble(b, out var db);
                return da.Equals(db);
            case JsonValueKind.String:
                return a!.GetValue<string>() == b!.GetValue<string>();
            case JsonValueKind.Array:
                var xa = a!.AsArray();
                var xb = b!.AsArray();
                if (xa.Count != xb.Count)
                {
                    return false;
                }
                for (var i = 0; i < xa.Count; i++)
                {
                    if (!DeepEquals(xa[i], xb[i]))
                    {
                        return false;
                    }
                }
                return true;
            default:
                var oa = a!.AsObject();
                var ob = b!.AsObject();
                if (oa.Count != ob.Count)
                {
                    return false;
                }
                foreach (var (key, value) in oa)
                {
                    if (!ob.TryGetPropertyValue(key, out var other) || !DeepEquals(value, other))
                    {
                        return false;
                    }
                }
                return true;
        }
    }

    /// <summary>Payload size as Step Functions counts it: UTF-8 bytes of the serialized JSON.</summary>
    public static int Utf8Size(JsonNode? node) => System.Text.Encoding.UTF8.GetByteCount(Serialize(node));

    /// <summary>
    /// Whether the serialized payload is larger than <paramref name="limit"/> bytes. A cheap upper bound settles
    /// the usual small payload without serializing it.
    /// </summary>
    public static bool ExceedsSize(JsonNode? node, int limit) => UpperBound(node, limit) > limit && Utf8Size(node) > limit;

    private static long UpperBound(JsonNode? node, long budget)
    {
        switch (node)
        {
            case null:
                return 4;
            case JsonObject o:
                long total = 2;
                foreach (var (key, value) in o)
                {
                    total += key.Length * 6L + 4 + UpperBound(value, budget - total);
                    if (total > budget)
                    {
                        return total;
                    }
                }
                return total;
            case JsonArray a:
                long sum = 2;
                foreach (var item in a)
                {
                    sum += 1 + UpperBound(item, budget - sum);
                    if (sum > budget)
                    {
                        return sum;
                    }
                }
                return sum;
            default:
                return TryGetString(node, out var s) ? s.Length * 6L + 2 : 40;
        }
    }
}
