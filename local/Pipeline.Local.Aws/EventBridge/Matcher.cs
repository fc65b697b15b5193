using System.Net;

namespace Pipeline.Local.Aws.EventBridge;

/// <summary>One entry of a pattern field's list: a literal or an operator object.</summary>
internal abstract class Matcher
{
    /// <summary>True for <c>{"exists": false}</c>: the field is absent (or not a leaf).</summary>
    public virtual bool MatchesAbsent => false;

    /// <summary>True for <c>{"exists": true}</c>: any leaf value will do.</summary>
    public virtual bool MatchesPresence => false;

    public abstract bool Matches(JsonNode? value);

    public static Matcher Compile(JsonNode? node, string path)
    {
        if (node is not JsonObject obj)
        {
            return node is JsonArray
                ? throw new EventPatternInvalidException($"{path}: a list cannot appear inside a pattern list")
                : new Literal(node);
        }

        if (obj.Count != 1)
        {
            throw new EventPatternInvalidException($"{path}: an operator object must have exactly one key, got {obj.Count}");
        }

        var (op, argument) = obj.First();
        var at = $"{path}.{op}";
        return op switch
        {
            "prefix" => TextMatcher.Create(argument, at, (v, a, c) => v.StartsWith(a, c)),
            "suffix" => TextMatcher.Create(argument, at, (v, a, c) => v.EndsWith(a, c)),
            "equals-ignore-case" => new TextMatcher(Text(argument, at), (v, a, _) => string.Equals(v, a, StringComparison.OrdinalIgnoreCase), StringComparison.OrdinalIgnoreCase),
            "wildcard" => new TextMatcher(Text(argument, at), (v, a, _) => Wildcard.IsMatch(v, a), StringComparison.Ordinal),
            "anything-but" => new AnythingBut(AnythingBut.Inner(argument, at)),
            "numeric" => Numeric.Create(argument, at),
            "cidr" => Cidr.Create(argument, at),
            "exists" when argument is JsonValue v && v.TryGetValue<bool>(out var exists) => new Exists(exists),
            "exists" => throw new EventPatternInvalidException($"{at}: must be true or false"),
            _ => throw new EventPatternInvalidException($"{path}: unknown operator '{op}'"),
        };
    }

    internal static string Text(JsonNode? node, string path) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : throw new EventPatternInvalidException($"{path}: must be a string");

    // Values built in code (not parsed) only convert to their own CLR type, so go through the JSON text.
    internal static double Number(JsonValue value) =>
        value.TryGetValue<double>(out var d) ? d : double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture);

    private sealed class Literal(JsonNode? expected) : Matcher
    {
        public override bool Matches(JsonNode? value) => (expected, value) switch
        {
            (null, null) => true,
            (null, _) or (_, null) => false,
            (JsonValue e, JsonValue v) when e.GetValueKind() == JsonValueKind.Number && v.GetValueKind() == JsonValueKind.Number =>
                Number(e) == Number(v),
            _ => JsonNode.DeepEquals(expected, value),
        };
    }

    private sealed class Exists(bool exists) : Matcher
    {
        public override bool MatchesAbsent => !exists;

        public override bool MatchesPresence => exists;

        public override bool Matches(JsonNode? value) => false;
    }

    internal sealed class TextMatcher(string argument, Func<string, string, StringComparison, bool> test, StringComparison comparison)
        : Matcher
    {
        public static TextMatcher Create(JsonNode? argument, string path, Func<string, string, StringComparison, bool> test) =>
            argument is JsonObject { Count: 1 } o && o["equals-ignore-case"] is { } inner
                ? new TextMatcher(Text(inner, $"{path}.equals-ignore-case"), test, StringComparison.OrdinalIgnoreCase)
                : new TextMatcher(Text(argument, path), test, StringComparison.Ordinal);

        public override bool Matches(JsonNode? value) =>
            value is JsonValue v && v.GetValueKind() == JsonValueKind.String && test(v.GetValue<string>(), argument, comparison);
    }

    private sealed class AnythingBut(Matcher inner) : Matcher
    {
        public static Matcher Inner(JsonNode? argument, string path) => argument switch
        {
            JsonArray { Count: > 0 } list => new AnyOf([.. list.Select((item, i) => item is JsonValue
                ? Compile(item, $"{path}[{i}]")
                : throw new EventPatternInvalidException($"{path}[{i}]: anything-but lists hold strings or numbers only"))]),
            JsonArray => throw new EventPatternInvalidException($"{path}: an empty list"),
            JsonObject { Count: 1 } o when o.First().Key is "prefix" or "suffix" or "wildcard" => Compile(o, path),
            JsonObject { Count: 1 } o when o.First().Key == "equals-ignore-case" => o.First().Value is JsonArray values
                ? new AnyOf([.. values.Select((v, i) => (Matcher)new TextMatcher(
                    Text(v, $"{path}.equals-ignore-case[{i}]"),
                    (x, a, _) => string.Equals(x, a, StringComparison.OrdinalIgnoreCase),
                    StringComparison.OrdinalIgnoreCase))])
                : Compile(o, path),
            JsonObject => throw new EventPatternInvalidException(
                $"{path}: anything-but takes a value, a list, or one of prefix, suffix, equals-ignore-case, wildcard"),
            JsonValue => Compile(argument, path),
            _ => throw new EventPatternInvalidException($"{path}: anything-but needs a value"),
        };

        public override bool Matches(JsonNode? value) => !inner.Matches(value);
    }

    private sealed class AnyOf(IReadOnlyList<Matcher> matchers) : Matcher
    {
        public override bool Matches(JsonNode? value) => matchers.Any(m => m.Matches(value));
    }

    private sealed class Numeric(IReadOnlyList<(string Op, double Bound)> conditions) : Matcher
    {
        public static Numeric Create(JsonNode? argument, string path)
        {
            if (argument is not JsonArray { Count: 2 or 4 } list)
            {
                throw new EventPatternInvalidException($"{path}: needs [op, number] or [op, number, op, number]");
            }

            var conditions = new List<(string, double)>();
            for (var i = 0; i < list.Count; i += 2)
            {
                var op = Text(list[i], $"{path}[{i}]");
                if (op is not ("<" or "<=" or "=" or ">" or ">="))
                {
                    throw new EventPatternInvalidException($"{path}[{i}]: unknown numeric operator '{op}'");
                }

                if (list[i + 1] is not JsonValue bound || bound.GetValueKind() != JsonValueKind.Number)
                {
                    throw new EventPatternInvalidException($"{path}[{i + 1}]: must be a number");
                }

                conditions.Add((op, Number(bound)));
            }

            if (conditions.Count == 2 && (conditions.Any(c => c.Item1 == "=")
                || conditions[0].Item1[0] == conditions[1].Item1[0]))
            {
                throw new EventPatternInvalidException($"{path}: a range needs one lower and one upper bound");
            }

            return new Numeric(conditions);
        }

        public override bool Matches(JsonNode? value) =>
            value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && Number(v) is var x
            && conditions.All(c => c.Op switch
            {
                "<" => x < c.Bound,
                "<=" => x <= c.Bound,
                "=" => x == c.Bound,
                ">" => x > c.Bound,
                _ => x >= c.Bound,
            });
    }

    private sealed class Cidr(IPNetwork network) : Matcher
    {
        public static Cidr Create(JsonNode? argument, string path)
        {
            var text = Text(argument, path);
            return IPNetwork.TryParse(text, out var network)
                ? new Cidr(network)
                : throw new EventPatternInvalidException($"{path}: '{text}' is not a CIDR block");
        }

        public override bool Matches(JsonNode? value) =>
            value is JsonValue v && v.GetValueKind() == JsonValueKind.String
            && IPAddress.TryParse(v.GetValue<string>(), out var address) && network.Contains(address);
    }

    private static class Wildcard
    {
        // '*' matches any run of characters; '\*' is a literal star.
        public static bool IsMatch(string value, string pattern) => IsMatch(value, 0, pattern, 0);

        private static bool IsMatch(string value, int vi, string pattern, int pi)
        {
            while (pi < pattern.Length)
            {
                var c = pattern[pi];
                if (c == '*')
                {
                    for (var k = vi; k <= value.Length; k++)
                    {
                        if (IsMatch(value, k, pattern, pi + 1))
                        {
                            return true;
                        }
                    }

                    return false;
                }

                if (c == '\\' && pi + 1 < pattern.Length)
                {
                    c = pattern[++pi];
                }

                if (vi >= value.Length || value[vi] != c)
                {
                    return false;
                }

                vi++;
                pi++;
            }

            return vi == value.Length;
        }
    }
}
