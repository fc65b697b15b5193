using System.Security.Cryptography;

namespace Pipeline.States.Intrinsics;

/// <summary>The States.* intrinsic functions of the JSONPath query language.</summary>
public static class IntrinsicFunctions
{
    private const int MaxStringLength = 10_000;
    private const int MaxRangeItems = 1000;

    private static readonly Dictionary<string, Func<string, JsonNode?[], IntrinsicInvocation, JsonNode?>> Functions = new()
    {
        ["States.Format"] = (n, a, inv) => Format(n, a, inv),
        ["States.StringToJson"] = (n, a, _) => StringToJson(n, a),
        ["States.JsonToString"] = (n, a, _) => JsonValue.Create(JsonValues.Serialize(Exactly(n, a, 1)[0])),
        ["States.Array"] = (_, a, _) => new JsonArray(a.Select(JsonValues.Clone).ToArray()),
        ["States.ArrayPartition"] = (n, a, _) => ArrayPartition(n, a),
        ["States.ArrayContains"] = (n, a, _) => JsonValue.Create(ArrayArg(n, Exactly(n, a, 2), 0).Any(x => JsonValues.DeepEquals(x, a[1]))),
        ["States.ArrayRange"] = (n, a, _) => ArrayRange(n, a),
        ["States.ArrayGetItem"] = (n, a, _) => ArrayGetItem(n, a),
        ["States.ArrayLength"] = (n, a, _) => JsonValue.Create(ArrayArg(n, Exactly(n, a, 1), 0).Count),
        ["States.ArrayUnique"] = (n, a, _) => ArrayUnique(n, a),
        ["States.Base64Encode"] = (n, a, _) => JsonValue.Create(Convert.ToBase64String(Encoding.UTF8.GetBytes(BoundedString(n, Exactly(n, a, 1), 0)))),
        ["States.Base64Decode"] = (n, a, _) => Base64Decode(n, a),
        ["States.Hash"] = (n, a, _) => Hash(n, a),
        ["States.JsonMerge"] = (n, a, _) => JsonMerge(n, a),
        ["States.MathRandom"] = (n, a, _) => MathRandom(n, a),
        ["States.MathAdd"] = (n, a, _) => MathAdd(n, a),
        ["States.StringSplit"] = (n, a, _) => StringSplit(n, a),
        ["States.UUID"] = (n, a, _) => JsonValue.Create(Exactly(n, a, 0).Length == 0 ? Guid.NewGuid().ToString() : ""),
    };

    public static bool IsKnown(string name) => Functions.ContainsKey(name);

    public static JsonNode? Invoke(IntrinsicInvocation invocation, JsonNode? input, JsonNode? context)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var args = invocation.Arguments.Select(a => a.Evaluate(input, context)).ToArray();
        return Functions[invocation.Name](invocation.Name, args, invocation);
    }

    private static StatesException Failure(string name, string why) =>
        new(StatesErrors.IntrinsicFailure, $"Invalid arguments in {name}: {why}");

    private static JsonNode?[] Exactly(string name, JsonNode?[] args, int count) =>
        args.Length == count ? args : throw Failure(name, $"expected {count} argument(s) but got {args.Length}");

    private static JsonArray ArrayArg(string name, JsonNode?[] args, int i) =>
        args[i] as JsonArray ?? throw Failure(name, $"argument {i + 1} must be an array, got {JsonValues.Serialize(args[i])}");

    private static string StringArg(string name, JsonNode?[] args, int i) =>
        JsonValues.TryGetString(args[i], out var s) ? s : throw Failure(name, $"argument {i + 1} must be a string, got {JsonValues.Serialize(args[i])}");

    private static long IntegerArg(string name, JsonNode?[] args, int i) =>
        JsonValues.TryGetInteger(args[i], out var v) ? v : throw Failure(name, $"argument {i + 1} must be an integer, got {JsonValues.Serialize(args[i])}");

    private static string BoundedString(string name, JsonNode?[] args, int i)
    {
        var s = StringArg(name, args, i);
        return s.Length <= MaxStringLength ? s : throw Failure(name, $"the string exceeds {MaxStringLength} characters");
    }

    private static JsonValue Format(string name, JsonNode?[] args, IntrinsicInvocation invocation)
    {
        if (args.Length == 0)
        {
            throw Failure(name, "expected a template string");
        }
        var template = invocation.Arguments[0] is LiteralArgument { RawText: { } raw } ? raw : StringArg(name, args, 0);
        var sb = new StringBuilder();
        var next = 1;
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '\\' && i + 1 < template.Length)
            {
                sb.Append(template[++i]);
            }
            else if (c == '{' && i + 1 < template.Length && template[i + 1] == '}')
            {
                if (next >= args.Length)
                {
                    throw Failure(name, "there are more {} placeholders than arguments");
                }
                var value = args[next++];
                if (value is JsonObject or JsonArray)
                {
                    throw Failure(name, "a placeholder value must be a string, number, boolean or null");
                }
                sb.Append(JsonValues.TryGetString(value, out var s) ? s : JsonValues.Serialize(value));
                i++;
            }
            else
            {
                sb.Append(c);
            }
        }
        if (next != args.Length)
        {
            throw Failure(name, "there are more arguments than {} placeholders");
        }
        return JsonValue.Create(sb.ToString());
    }

    private static JsonNode? StringToJson(string name, JsonNode?[] args)
    {
        var s = StringArg(name, Exactly(name, args, 1), 0);
        try
        {
            return JsonValues.Parse(s);
        }
        catch (JsonException e)
        {
            throw Failure(name, $"the string is not JSON: {e.Message}");
        }
    }

    private static JsonArray ArrayPartition(string name, JsonNode?[] args)
    {
        var array = ArrayArg(name, Exactly(name, args, 2), 0);
        var size = IntegerArg(name, args, 1);
        if (size <= 0)
        {
            throw Failure(name, "the chunk size must be a positive integer");
        }
        var result = new JsonArray();
        for (var i = 0; i < array.Count; i += (int)size)
        {
            result.Add(new JsonArray(array.Skip(i).Take((int)size).Select(JsonValues.Clone).ToArray()));
        }
        return result;
    }

    private static JsonArray ArrayRange(string name, JsonNode?[] args)
    {
        Exactly(name, args, 3);
        var start = IntegerArg(name, args, 0);
        var end = IntegerArg(name, args, 1);
        var step = IntegerArg(name, args, 2);
        if (step == 0)
        {
            throw Failure(name, "the step cannot be 0");
        }
        var result = new JsonArray();
        for (var v = start; step > 0 ? v <= end : v >= end; v += step)
        {
            if (result.Count == MaxRangeItems)
            {
                throw Failure(name, $"the range holds more than {MaxRangeItems} items");
            }
            result.Add(JsonValue.Create(v));
        }
        return result;
    }

    private static JsonNode? ArrayGetItem(string name, JsonNode?[] args)
    {
        var array = ArrayArg(name, Exactly(name, args, 2), 0);
        var index = IntegerArg(name, args, 1);
        return index >= 0 && index < array.Count ? JsonValues.Clone(array[(int)index]) : null;
    }

    private static JsonArray ArrayUnique(string name, JsonNode?[] args)
    {
        var array = ArrayArg(name, Exactly(name, args, 1), 0);
        var result = new List<JsonNode?>();
        foreach (var item in array.Where(item => !result.Any(r => JsonValues.DeepEquals(r, item))))
        {
            result.Add(item);
        }
        return new JsonArray(result.Select(JsonValues.Clone).ToArray());
    }

    private static JsonValue Base64Decode(string name, JsonNode?[] args)
    {
        var s = BoundedString(name, Exactly(name, args, 1), 0);
        try
        {
            return JsonValue.Create(Encoding.UTF8.GetString(Convert.FromBase64String(s)));
        }
        catch (FormatException)
        {
            throw Failure(name, "the string is not valid base64");
        }
    }

    private static JsonValue Hash(string name, JsonNode?[] args)
    {
        var data = Encoding.UTF8.GetBytes(BoundedString(name, Exactly(name, args, 2), 0));
        byte[] digest = StringArg(name, args, 1) switch
        {
#pragma warning disable CA5351, CA5350 // MD5 and SHA-1 are what the function offers, not used for security here.
            "MD5" => MD5.HashData(data),
            "SHA-1" => SHA1.HashData(data),
#pragma warning restore CA5351, CA5350
            "SHA-256" => SHA256.HashData(data),
            "SHA-384" => SHA384.HashData(data),
            "SHA-512" => SHA512.HashData(data),
            var other => throw Failure(name, $"'{other}' is not a supported algorithm (MD5, SHA-1, SHA-256, SHA-384, SHA-512)"),
        };
        return JsonValue.Create(Convert.ToHexStringLower(digest));
    }

    private static JsonObject JsonMerge(string name, JsonNode?[] args)
    {
        Exactly(name, args, 3);
        if (args[0] is not JsonObject first || args[1] is not JsonObject second)
        {
            throw Failure(name, "the first two arguments must be objects");
        }
        if (JsonValues.Kind(args[2]) != JsonValueKind.False)
        {
            throw Failure(name, "only a shallow merge is supported: the third argument must be false");
        }
        var result = (JsonObject)first.DeepClone();
        foreach (var (key, value) in second)
        {
            result[key] = JsonValues.Clone(value);
        }
        return result;
    }

    private static JsonValue MathRandom(string name, JsonNode?[] args)
    {
        if (args.Length is not (2 or 3))
        {
            throw Failure(name, $"expected 2 or 3 arguments but got {args.Length}");
        }
        var start = IntegerArg(name, args, 0);
        var end = IntegerArg(name, args, 1);
        if (end <= start)
        {
            throw Failure(name, "the end must be greater than the start");
        }
        var random = args.Length == 3 ? new Random((int)IntegerArg(name, args, 2)) : Random.Shared;
        return JsonValue.Create(random.NextInt64(start, end));
    }

    private static JsonNode MathAdd(string name, JsonNode?[] args)
    {
        Exactly(name, args, 2);
        if (!JsonValues.TryGetDouble(args[0], out var a) || !JsonValues.TryGetDouble(args[1], out var b))
        {
            throw Failure(name, "both arguments must be numbers");
        }
        return JsonValues.Number(a + b);
    }

    private static JsonArray StringSplit(string name, JsonNode?[] args)
    {
        var s = StringArg(name, Exactly(name, args, 2), 0);
        var delimiters = StringArg(name, args, 1);
        // Every character of the second argument is a delimiter, as the AWS documentation's example shows.
        var parts = delimiters.Length == 0
            ? [s]
            : s.Split(delimiters.ToCharArray(), StringSplitOptions.RemoveEmptyEntries);
        return new JsonArray(parts.Select(p => (JsonNode?)JsonValue.Create(p)).ToArray());
    }
}
