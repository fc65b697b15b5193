namespace Pipeline.States.Definition;

/// <summary>
/// Parameters, ResultSelector and ItemSelector: a JSON template whose keys ending in ".$" take the value of a
/// path or intrinsic function, evaluated against the effective input and the context object.
/// </summary>
public sealed class PayloadTemplate
{
    private readonly JsonNode? _template;
    private readonly Dictionary<JsonObject, List<(string Key, ValueExpression Expression)>> _dynamic = new(ReferenceEqualityComparer.Instance);

    private PayloadTemplate(JsonNode? template) => _template = template;

    public static PayloadTemplate Compile(JsonNode? template, string location, ICollection<DefinitionProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var compiled = new PayloadTemplate(JsonValues.Clone(template));
        compiled.CompileNode(compiled._template, location, problems);
        return compiled;
    }

    private void CompileNode(JsonNode? node, string location, ICollection<DefinitionProblem> problems)
    {
        switch (node)
        {
            case JsonObject o:
                var dynamic = new List<(string, ValueExpression)>();
                foreach (var (key, value) in o)
                {
                    if (key.EndsWith(".$", StringComparison.Ordinal))
                    {
                        if (!JsonValues.TryGetString(value, out var text))
                        {
                            problems.Add(new(location + "/" + key, "the value of a field ending in '.$' must be a path or an intrinsic function string"));
                            continue;
                        }
                        try
                        {
                            dynamic.Add((key[..^2], ValueExpression.Parse(text, allowIntrinsic: true)));
                        }
                        catch (FormatException e)
                        {
                            problems.Add(new(location + "/" + key, e.Message));
                        }
                    }
                    else
                    {
                        CompileNode(value, location + "/" + key, problems);
                    }
                }
                if (dynamic.Count > 0)
                {
                    _dynamic[o] = dynamic;
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    CompileNode(a[i], $"{location}/{i}", problems);
                }
                break;
        }
    }

    public JsonNode? Evaluate(JsonNode? input, JsonNode? context) => EvaluateNode(_template, input, context);

    private JsonNode? EvaluateNode(JsonNode? node, JsonNode? input, JsonNode? context)
    {
        switch (node)
        {
            case JsonObject o:
                var result = new JsonObject();
                _dynamic.TryGetValue(o, out var dynamic);
                foreach (var (key, value) in o)
                {
                    if (dynamic is not null && key.EndsWith(".$", StringComparison.Ordinal))
                    {
                        var expression = dynamic.First(d => d.Key == key[..^2]).Expression;
                        result[key[..^2]] = expression.Evaluate(input, context, StatesErrors.ParameterPathFailure, key);
                    }
                    else
                    {
                        result[key] = EvaluateNode(value, input, context);
                    }
                }
                return result;
            case JsonArray a:
                return new JsonArray(a.Select(item => EvaluateNode(item, input, context)).ToArray());
            default:
                return JsonValues.Clone(node);
        }
    }
}
