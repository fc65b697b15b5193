namespace Pipeline.States.Definition;

public static partial class DefinitionParser
{
    private sealed partial class Reader
    {
        private void Problem(string at, string message) => problems.Add(new DefinitionProblem(at, message));

        private string? String(JsonObject o, string field, string at, bool required)
        {
            if (!o.TryGetPropertyValue(field, out var node))
            {
                if (required)
                {
                    Problem(at + "/" + field, $"'{field}' is required");
                }
                return null;
            }
            if (!JsonValues.TryGetString(node, out var s))
            {
                Problem(at + "/" + field, $"'{field}' must be a string");
                return null;
            }
            return s;
        }

        private int? Integer(JsonObject o, string field, string at, int min)
        {
            if (!JsonValues.TryGetInteger(o[field], out var v) || v < min || v > 99_999_999)
            {
                Problem(at + "/" + field, $"'{field}' must be an integer from {min} to 99999999");
                return null;
            }
            return (int)v;
        }

        private void Exclusive(JsonObject o, string at, string a, string b)
        {
            if (o.ContainsKey(a) && o.ContainsKey(b))
            {
                Problem(at, $"'{a}' and '{b}' cannot both be present");
            }
        }

        private JsonPath? Path(JsonObject o, string field, string at)
        {
            var text = String(o, field, at, required: false);
            if (text is null)
            {
                return null;
            }
            if (!JsonPath.TryParse(text, out var path, out var error))
            {
                Problem(at + "/" + field, error);
            }
            return path;
        }

        private PathField OptionalPath(JsonObject o, string field, string at)
        {
            if (!o.TryGetPropertyValue(field, out var node))
            {
                return PathField.Root;
            }
            return node is null ? new PathField(null, true) : new PathField(Path(o, field, at), false);
        }

        private PathField ResultPathField(JsonObject o, string field, string at)
        {
            var result = OptionalPath(o, field, at);
            if (result.Path is { IsReference: false } or { IsContext: true })
            {
                Problem(at + "/" + field, $"'{result.Path.Text}' is not a reference path: ResultPath takes only names and indexes under '$'");
            }
            return result;
        }

        private PayloadTemplate? Template(JsonObject o, string field, string at) =>
            o.TryGetPropertyValue(field, out var node) ? PayloadTemplate.Compile(node, at + "/" + field, problems) : null;

        private ValueExpression? Expression(JsonObject o, string field, string at)
        {
            var text = String(o, field, at, required: false);
            if (text is null)
            {
                return null;
            }
            try
            {
                return ValueExpression.Parse(text, allowIntrinsic: true);
            }
            catch (FormatException e)
            {
                Problem(at + "/" + field, e.Message);
                return null;
            }
        }

        private List<string> ErrorEquals(JsonObject o, string at)
        {
            if (o["ErrorEquals"] is not JsonArray array || array.Count == 0 || !array.All(JsonValues.IsString))
            {
                Problem(at + "/ErrorEquals", "'ErrorEquals' is required and must be a non-empty array of error names");
                return [];
            }
            var names = array.Select(n => n!.GetValue<string>()).ToList();
            if (names.Contains(StatesErrors.All) && names.Count > 1)
            {
                Problem(at + "/ErrorEquals", "'States.ALL' must appear alone in 'ErrorEquals'");
            }
            return names;
        }

        private List<Retrier> Retriers(JsonObject o, string at) =>
        [
            .. ErrorHandlers(o, at, "Retry", "retrier", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy")
                .Select(h => ReadRetrier(h.Handler, h.At, h.Errors)),
        ];

        private Retrier ReadRetrier(JsonObject r, string rat, List<string> errors)
        {
            double backoff = 2.0;
            if (r.TryGetPropertyValue("BackoffRate", out var b) && (!JsonValues.TryGetDouble(b, out backoff) || backoff < 1.0))
            {
                Problem(rat + "/BackoffRate", "'BackoffRate' must be a number not less than 1.0");
            }
            var jitter = r["JitterStrategy"]?.ToString() ?? "NONE";
            if (jitter is not ("NONE" or "FULL"))
            {
                Problem(rat + "/JitterStrategy", "'JitterStrategy' must be 'FULL' or 'NONE'");
            }
            return new Retrier(
                errors,
                r.ContainsKey("IntervalSeconds") ? Integer(r, "IntervalSeconds", rat, min: 1) ?? 1 : 1,
                r.ContainsKey("MaxAttempts") ? Integer(r, "MaxAttempts", rat, min: 0) ?? 3 : 3,
                backoff,
                r.ContainsKey("MaxDelaySeconds") ? Integer(r, "MaxDelaySeconds", rat, min: 1) : null,
                jitter == "FULL");
        }

        private List<Catcher> Catchers(JsonObject o, string at) =>
        [
            .. ErrorHandlers(o, at, "Catch", "catcher", "Next", "ResultPath")
                .Select(h => new Catcher(h.Errors, String(h.Handler, "Next", h.At, required: true) ?? "", ResultPathField(h.Handler, "ResultPath", h.At))),
        ];

        /// <summary>
        /// The retriers or catchers of a state (<paramref name="field"/> 'Retry' or 'Catch'): objects of ErrorEquals,
        /// Comment and <paramref name="fields"/>, of which only the last may name States.ALL. Read lazily, so that
        /// each one's problems are reported in order with those its caller finds in it.
        /// </summary>
        private IEnumerable<(JsonObject Handler, string At, List<string> Errors)> ErrorHandlers(
            JsonObject o, string at, string field, string what, params string[] fields)
        {
            if (!o.TryGetPropertyValue(field, out var node))
            {
                yield break;
            }
            if (node is not JsonArray array)
            {
                Problem($"{at}/{field}", $"'{field}' must be an array of {what}s");
                yield break;
            }
            for (var i = 0; i < array.Count; i++)
            {
                var handlerAt = $"{at}/{field}/{i}";
                if (array[i] is not JsonObject handler)
                {
                    Problem(handlerAt, $"a {what} must be an object");
                    continue;
                }
                foreach (var (key, _) in handler)
                {
                    if (key is not ("ErrorEquals" or "Comment") && !fields.Contains(key, StringComparer.Ordinal))
                    {
                        Problem(handlerAt + "/" + key, $"field '{key}' is not supported in a {what}");
                    }
                }
                var errors = ErrorEquals(handler, handlerAt);
                if (errors.Contains(StatesErrors.All) && i != array.Count - 1)
                {
                    Problem(handlerAt + "/ErrorEquals", $"a {what} with 'States.ALL' must be the last one");
                }
                yield return (handler, handlerAt, errors);
            }
        }

        private ChoiceStateDefinition ParseChoice(JsonObject o, string at)
        {
            var choices = new List<(ChoiceCondition, string)>();
            if (o["Choices"] is not JsonArray array || array.Count == 0)
            {
                Problem(at + "/Choices", "'Choices' is required and must be a non-empty array of choice rules");
            }
            else
            {
                for (var i = 0; i < array.Count; i++)
                {
                    var cat = $"{at}/Choices/{i}";
                    if (array[i] is not JsonObject rule)
                    {
                        Problem(cat, "a choice rule must be an object");
                        continue;
                    }
                    var next = String(rule, "Next", cat, required: true);
                    var condition = ParseCondition(rule, cat, topLevel: true);
                    if (condition is not null && next is not null)
                    {
                        choices.Add((condition, next));
                    }
                }
            }
            return new ChoiceStateDefinition
            {
                Name = "",
                Type = "Choice",
                Choices = choices,
                Default = o.ContainsKey("Default") ? String(o, "Default", at, required: true) : null,
            };
        }

        private ChoiceCondition? ParseCondition(JsonObject rule, string at, bool topLevel)
        {
            if (!topLevel && rule.ContainsKey("Next"))
            {
                Problem(at + "/Next", "only a top-level choice rule may have 'Next'");
            }
            if (rule.TryGetPropertyValue("And", out var and) || rule.TryGetPropertyValue("Or", out and))
            {
                var op = rule.ContainsKey("And") ? "And" : "Or";
                if (and is not JsonArray list || list.Count == 0)
                {
                    Problem(at + "/" + op, $"'{op}' must be a non-empty array of choice rules");
                    return null;
                }
                var inner = new List<ChoiceCondition>();
                for (var i = 0; i < list.Count; i++)
                {
                    if (list[i] is JsonObject child && ParseCondition(child, $"{at}/{op}/{i}", topLevel: false) is { } c)
                    {
                        inner.Add(c);
                    }
                    else if (list[i] is not JsonObject)
                    {
                        Problem($"{at}/{op}/{i}", "a choice rule must be an object");
                    }
                }
                return op == "And" ? new AndCondition(inner) : new OrCondition(inner);
            }
            if (rule.TryGetPropertyValue("Not", out var not))
            {
                if (not is not JsonObject child)
                {
                    Problem(at + "/Not", "'Not' must be a choice rule object");
                    return null;
                }
                return ParseCondition(child, at + "/Not", topLevel: false) is { } c ? new NotCondition(c) : null;
            }
            return ParseDataTest(rule, at);
        }

        private DataTestCondition? ParseDataTest(JsonObject rule, string at)
        {
            var variableText = String(rule, "Variable", at, required: true);
            var operators = rule.Select(p => p.Key)
                .Where(k => k is not ("Variable" or "Next" or "Comment"))
                .ToList();
            if (operators.Count != 1)
            {
                Problem(at, operators.Count == 0
                    ? "a choice rule needs a comparison operator (or And, Or, Not)"
                    : $"a choice rule must have exactly one comparison operator, found {string.Join(", ", operators)}");
                return null;
            }
            var op = operators[0];
            var isPath = op.EndsWith("Path", StringComparison.Ordinal);
            var baseOp = isPath ? op[..^4] : op;
            if (!DataTestCondition.Comparisons.Contains(baseOp) && !DataTestCondition.TypeTests.Contains(op) || (isPath && baseOp == "StringMatches"))
            {
                Problem(at + "/" + op, $"'{op}' is not a comparison operator");
                return null;
            }
            if (variableText is null)
            {
                return null;
            }
            if (!JsonPath.TryParse(variableText, out var variable, out var error))
            {
                Problem(at + "/Variable", error);
                return null;
            }
            var operand = rule[op];
            if (isPath)
            {
                JsonPath? operandPath = null;
                if (!JsonValues.TryGetString(operand, out var pathText) || !JsonPath.TryParse(pathText, out operandPath, out _))
                {
                    Problem(at + "/" + op, $"'{op}' must be a valid path");
                    return null;
                }
                return new DataTestCondition(variable!, op, null, operandPath);
            }
            var valid = op switch
            {
                _ when DataTestCondition.TypeTests.Contains(op) => JsonValues.IsBoolean(operand),
                _ when op.StartsWith("String", StringComparison.Ordinal) => JsonValues.IsString(operand),
                _ when op.StartsWith("Numeric", StringComparison.Ordinal) => JsonValues.IsNumber(operand),
                "BooleanEquals" => JsonValues.IsBoolean(operand),
                _ => JsonValues.TryGetString(operand, out var ts) && Timestamps.TryParse(ts, out _),
            };
            if (!valid)
            {
                var expected = op switch
                {
                    _ when DataTestCondition.TypeTests.Contains(op) || op == "BooleanEquals" => "a boolean",
                    _ when op.StartsWith("String", StringComparison.Ordinal) => "a string",
                    _ when op.StartsWith("Numeric", StringComparison.Ordinal) => "a number",
                    _ => "an RFC 3339 timestamp string",
                };
                Problem(at + "/" + op, $"'{op}' must be {expected}");
                return null;
            }
            return new DataTestCondition(variable!, op, JsonValues.Clone(operand), null);
        }
    }
}
