namespace Pipeline.States.Definition;

/// <summary>A Choice rule without its Next: a boolean expression or a data-test expression.</summary>
public abstract record ChoiceCondition
{
    public abstract bool Evaluate(JsonNode? input, JsonNode? context);
}

public sealed record AndCondition(IReadOnlyList<ChoiceCondition> Conditions) : ChoiceCondition
{
    public override bool Evaluate(JsonNode? input, JsonNode? context) => Conditions.All(c => c.Evaluate(input, context));
}

public sealed record OrCondition(IReadOnlyList<ChoiceCondition> Conditions) : ChoiceCondition
{
    public override bool Evaluate(JsonNode? input, JsonNode? context) => Conditions.Any(c => c.Evaluate(input, context));
}

public sealed record NotCondition(ChoiceCondition Condition) : ChoiceCondition
{
    public override bool Evaluate(JsonNode? input, JsonNode? context) => !Condition.Evaluate(input, context);
}

/// <summary>
/// Variable + one comparison operator. A comparison between values of different types is false;
/// a Variable or *Path that selects nothing is a States.Runtime error except for IsPresent.
/// </summary>
public sealed record DataTestCondition(JsonPath Variable, string Operator, JsonNode? Operand, JsonPath? OperandPath) : ChoiceCondition
{
    public static readonly IReadOnlySet<string> TypeTests = new HashSet<string>
    {
        "IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp",
    };

    public static readonly IReadOnlySet<string> Comparisons = new HashSet<string>
    {
        "StringEquals", "StringLessThan", "StringGreaterThan", "StringLessThanEquals", "StringGreaterThanEquals", "StringMatches",
        "NumericEquals", "NumericLessThan", "NumericGreaterThan", "NumericLessThanEquals", "NumericGreaterThanEquals",
        "BooleanEquals",
        "TimestampEquals", "TimestampLessThan", "TimestampGreaterThan", "TimestampLessThanEquals", "TimestampGreaterThanEquals",
    };

    public override bool Evaluate(JsonNode? input, JsonNode? context)
    {
        var matches = Select(Variable, input, context);
        if (Operator == "IsPresent")
        {
            return (matches.Count > 0) == IsTrue(Operand);
        }
        if (matches.Count == 0)
        {
            throw StatesException.Runtime(
                $"Invalid path '{Variable.Text}': The choice state's condition path references an invalid value.");
        }
        var value = Variable.IsDefinite ? matches[0] : new JsonArray(matches.Select(JsonValues.Clone).ToArray());
        if (TypeTests.Contains(Operator))
        {
            var isType = Operator switch
            {
                "IsNull" => value is null,
                "IsNumeric" => JsonValues.IsNumber(value),
                "IsString" => JsonValues.IsString(value),
                "IsBoolean" => JsonValues.IsBoolean(value),
                _ => JsonValues.TryGetString(value, out var s) && Timestamps.TryParse(s, out _),
            };
            return isType == IsTrue(Operand);
        }
        var operand = Operand;
        if (OperandPath is not null)
        {
            var found = Select(OperandPath, input, context);
            if (found.Count == 0)
            {
                throw StatesException.Runtime(
                    $"Invalid path '{OperandPath.Text}': The choice state's condition path references an invalid value.");
            }
            operand = found[0];
        }
        var op = OperandPath is null ? Operator : Operator[..^"Path".Length];
        return Compare(op, value, operand);
    }

    private static IReadOnlyList<JsonNode?> Select(JsonPath path, JsonNode? input, JsonNode? context) =>
        path.Select(path.IsContext ? context : input);

    private static bool IsTrue(JsonNode? node) => JsonValues.Kind(node) == System.Text.Json.JsonValueKind.True;

    private static bool Compare(string op, JsonNode? value, JsonNode? operand)
    {
        if (op.StartsWith("String", StringComparison.Ordinal))
        {
            if (!JsonValues.TryGetString(value, out var a) || !JsonValues.TryGetString(operand, out var b))
            {
                return false;
            }
            if (op == "StringMatches")
            {
                return WildcardMatches(a, b);
            }
            return Ordered(op["String".Length..], string.CompareOrdinal(a, b));
        }
        if (op.StartsWith("Numeric", StringComparison.Ordinal))
        {
            return JsonValues.TryGetDouble(value, out var a) && JsonValues.TryGetDouble(operand, out var b)
                && Ordered(op["Numeric".Length..], a.CompareTo(b));
        }
        if (op == "BooleanEquals")
        {
            return JsonValues.IsBoolean(value) && JsonValues.IsBoolean(operand) && IsTrue(value) == IsTrue(operand);
        }
        return JsonValues.TryGetString(value, out var ta) && Timestamps.TryParse(ta, out var x)
            && JsonValues.TryGetString(operand, out var tb) && Timestamps.TryParse(tb, out var y)
            && Ordered(op["Timestamp".Length..], x.CompareTo(y));
    }

    private static bool Ordered(string relation, int cmp) => relation switch
    {
        "Equals" => cmp == 0,
        "LessThan" => cmp < 0,
        "GreaterThan" => cmp > 0,
        "LessThanEquals" => cmp <= 0,
        _ => cmp >= 0,
    };

    /// <summary>StringMatches: '*' matches any run of characters; '\*' and '\\' are literal.</summary>
    private static bool WildcardMatches(string value, string pattern)
    {
        var regex = new System.Text.StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                regex.Append(Regex.Escape(pattern[++i].ToString()));
            }
            else if (c == '*')
            {
                regex.Append(".*");
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }
        regex.Append('$');
        return Regex.IsMatch(value, regex.ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}

/// <summary>RFC 3339 timestamps as Step Functions accepts them: an uppercase T and Z (or a numeric offset).</summary>
public static class Timestamps
{
    private static readonly Regex Format = new(
        @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    public static bool TryParse(string text, out DateTimeOffset value)
    {
        value = default;
        return Format.IsMatch(text ?? "")
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }

    public static string Format3339(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
