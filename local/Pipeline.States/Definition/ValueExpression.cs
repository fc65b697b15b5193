using Pipeline.States.Intrinsics;

namespace Pipeline.States.Definition;

/// <summary>The value of a field that takes a path or an intrinsic function (a key ending in .$, ErrorPath, CausePath).</summary>
public abstract record ValueExpression(string Text)
{
    public static ValueExpression Parse(string text, bool allowIntrinsic) =>
        allowIntrinsic && IntrinsicInvocation.LooksLikeInvocation(text)
            ? new IntrinsicExpression(IntrinsicInvocation.Parse(text), text)
            : new PathExpression(JsonPath.Parse(text));

    /// <summary>Evaluates; a path that selects nothing raises <paramref name="missingError"/>.</summary>
    public abstract JsonNode? Evaluate(JsonNode? input, JsonNode? context, string missingError, string field);
}

public sealed record PathExpression(JsonPath Path) : ValueExpression(Path.Text)
{
    public override JsonNode? Evaluate(JsonNode? input, JsonNode? context, string missingError, string field)
    {
        var source = Path.IsContext ? context : input;
        return Path.TryEvaluate(source, out var value)
            ? value
            : throw new StatesException(missingError,
                $"The JSONPath '{Path.Text}' specified for the field '{field}' could not be found in the input '{JsonValues.Serialize(source)}'");
    }
}

public sealed record IntrinsicExpression(IntrinsicInvocation Invocation, string Source) : ValueExpression(Source)
{
    public override JsonNode? Evaluate(JsonNode? input, JsonNode? context, string missingError, string field) =>
        Invocation.Evaluate(input, context);
}
