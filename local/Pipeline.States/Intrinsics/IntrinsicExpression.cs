namespace Pipeline.States.Intrinsics;

/// <summary>An argument of an intrinsic function invocation: a literal, a path or a nested invocation.</summary>
public abstract record IntrinsicArgument
{
    public abstract JsonNode? Evaluate(JsonNode? input, JsonNode? context);
}

public sealed record LiteralArgument(JsonNode? Value, string? RawText = null) : IntrinsicArgument
{
    public override JsonNode? Evaluate(JsonNode? input, JsonNode? context) => JsonValues.Clone(Value);
}

public sealed record PathArgument(JsonPath Path) : IntrinsicArgument
{
    public override JsonNode? Evaluate(JsonNode? input, JsonNode? context)
    {
        if (!Path.TryEvaluate(Path.IsContext ? context : input, out var value))
        {
            throw new StatesException(StatesErrors.IntrinsicFailure,
                $"The JSONPath '{Path.Text}' could not be found in the input '{JsonValues.Serialize(Path.IsContext ? context : input)}'");
        }
        return value;
    }
}

/// <summary>A parsed <c>States.Name(arg, ...)</c> invocation.</summary>
public sealed record IntrinsicInvocation(string Name, IReadOnlyList<IntrinsicArgument> Arguments) : IntrinsicArgument
{
    public override JsonNode? Evaluate(JsonNode? input, JsonNode? context) =>
        IntrinsicFunctions.Invoke(this, input, context);

    public static bool LooksLikeInvocation(string text) =>
        text.StartsWith("States.", StringComparison.Ordinal) && text.TrimEnd().EndsWith(')');

    public static IntrinsicInvocation Parse(string text)
    {
        var parser = new IntrinsicParser(text);
        var result = parser.ParseInvocation(depth: 1);
        parser.ExpectEnd();
        return result;
    }

    private sealed class IntrinsicParser(string text)
    {
        private const int MaxNesting = 10;
        private int _pos;

        public IntrinsicInvocation ParseInvocation(int depth)
        {
            if (depth > MaxNesting)
            {
                throw Fail($"intrinsic functions nest at most {MaxNesting} deep");
            }
            var start = _pos;
            while (_pos < text.Length && (char.IsAsciiLetterOrDigit(text[_pos]) || text[_pos] == '.'))
            {
                _pos++;
            }
            var name = text[start.._pos];
            if (!IntrinsicFunctions.IsKnown(name))
            {
                throw Fail($"'{name}' is not an intrinsic function");
            }
            SkipSpaces();
            Expect('(');
            var args = new List<IntrinsicArgument>();
            SkipSpaces();
            if (Peek() != ')')
            {
                while (true)
                {
                    SkipSpaces();
                    args.Add(ParseArgument(depth));
                    SkipSpaces();
                    if (Peek() == ',')
                    {
                        _pos++;
                        continue;
                    }
                    break;
                }
            }
            Expect(')');
            return new IntrinsicInvocation(name, args);
        }

        public void ExpectEnd()
        {
            SkipSpaces();
            if (_pos != text.Length)
            {
                throw Fail($"unexpected '{text[_pos..]}' after the invocation");
            }
        }

        private IntrinsicArgument ParseArgument(int depth)
        {
            var c = Peek();
            if (c == '\'')
            {
                return ParseString();
            }
            if (c == '$')
            {
                return ParsePath();
            }
            if (text.AsSpan(_pos).StartsWith("States.", StringComparison.Ordinal))
            {
                return ParseInvocation(depth + 1);
            }
            var start = _pos;
            while (_pos < text.Length && text[_pos] is not (',' or ')' or ' '))
            {
                _pos++;
            }
            var raw = text[start.._pos];
            switch (raw)
            {
                case "null":
                    return new LiteralArgument(null);
                case "true":
                    return new LiteralArgument(JsonValue.Create(true));
                case "false":
                    return new LiteralArgument(JsonValue.Create(false));
            }
            if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                return new LiteralArgument(JsonValues.Number(number));
            }
            throw Fail($"'{raw}' is not a valid argument (expected a quoted string, a number, true, false, null, a path or an intrinsic function)");
        }

        private LiteralArgument ParseString()
        {
            _pos++; // opening quote
            var value = new StringBuilder();
            var raw = new StringBuilder();
            while (true)
            {
                if (_pos >= text.Length)
                {
                    throw Fail("unterminated string literal");
                }
                var c = text[_pos++];
                if (c == '\'')
                {
                    break;
                }
                if (c == '\\')
                {
                    if (_pos >= text.Length || text[_pos] is not ('\'' or '{' or '}' or '\\'))
                    {
                        throw Fail("an open escape '\\' must be followed by ', {, } or \\");
                    }
                    raw.Append(c).Append(text[_pos]);
                    value.Append(text[_pos++]);
                    continue;
                }
                raw.Append(c);
                value.Append(c);
            }
            return new LiteralArgument(JsonValue.Create(value.ToString()), raw.ToString());
        }

        private PathArgument ParsePath()
        {
            var start = _pos;
            var depth = 0;
            char? quote = null;
            while (_pos < text.Length)
            {
                var c = text[_pos];
                if (quote is not null)
                {
                    if (c == quote)
                    {
                        quote = null;
                    }
                }
                else if (c is '\'' or '"' && depth > 0)
                {
                    quote = c;
                }
                else if (c is '[' or '(')
                {
                    depth++;
                }
                else if (c is ']' || (c == ')' && depth > 0))
                {
                    depth--;
                }
                else if (depth == 0 && c is ',' or ')' or ' ')
                {
                    break;
                }
                _pos++;
            }
            var pathText = text[start.._pos];
            return JsonPath.TryParse(pathText, out var path, out var error) ? new PathArgument(path!) : throw Fail(error);
        }

        private void SkipSpaces()
        {
            while (_pos < text.Length && text[_pos] == ' ')
            {
                _pos++;
            }
        }

        private char Peek() => _pos < text.Length ? text[_pos] : '\0';

        private void Expect(char c)
        {
            if (Peek() != c)
            {
                throw Fail($"expected '{c}'");
            }
            _pos++;
        }

        private FormatException Fail(string why) => new($"Invalid intrinsic function '{text}': {why}");
    }
}
