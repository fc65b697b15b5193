namespace Pipeline.States.Json;

/// <summary>
/// The JSONPath subset Step Functions accepts: $, .name, ['name'], [n], [*], .*, [a:b:c], [n,m],
/// ['a','b'], ..name, ..* and filters [?(@.x op literal)] joined by &amp;&amp; or ||.
/// A path is definite when it can select at most one node; an indefinite path yields an array of matches.
/// </summary>
public sealed class JsonPath
{
    private readonly IReadOnlyList<Segment> _segments;

    private JsonPath(string text, bool isContext, IReadOnlyList<Segment> segments)
    {
        Text = text;
        IsContext = isContext;
        _segments = segments;
        IsDefinite = segments.All(s => s is NameSegment or IndexSegment);
    }

    public string Text { get; }

    /// <summary>True for $$ paths, which select from the context object.</summary>
    public bool IsContext { get; }

    public bool IsDefinite { get; }

    /// <summary>True when every step is a plain name or index: the only form ResultPath accepts.</summary>
    public bool IsReference => IsDefinite;

    public IReadOnlyList<object> ReferenceSteps =>
        _segments.Select(s => s is NameSegment n ? (object)n.Name : ((IndexSegment)s).Index).ToList();

    public static bool TryParse(string text, out JsonPath? path, out string error)
    {
        try
        {
            path = Parse(text);
            error = "";
            return true;
        }
        catch (FormatException e)
        {
            path = null;
            error = e.Message;
            return false;
        }
    }

    public static JsonPath Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var p = new Parser(text);
        return p.ParsePath();
    }

    /// <summary>Selects the matching nodes (not cloned).</summary>
    public IReadOnlyList<JsonNode?> Select(JsonNode? root)
    {
        var current = new List<JsonNode?> { root };
        foreach (var segment in _segments)
        {
            var next = new List<JsonNode?>();
            foreach (var node in current)
            {
                segment.Apply(node, next);
            }
            current = next;
        }
        return current;
    }

    /// <summary>The value a path denotes: the node for a definite path, an array of matches otherwise.</summary>
    public bool TryEvaluate(JsonNode? root, out JsonNode? value)
    {
        var matches = Select(root);
        if (IsDefinite)
        {
            value = matches.Count == 1 ? JsonValues.Clone(matches[0]) : null;
            return matches.Count == 1;
        }
        value = new JsonArray(matches.Select(JsonValues.Clone).ToArray());
        return true;
    }

    public override string ToString() => Text;

    private abstract class Segment
    {
        public abstract void Apply(JsonNode? node, List<JsonNode?> output);
    }

    private sealed class NameSegment(string name) : Segment
    {
        public string Name { get; } = name;

        public override void Apply(JsonNode? node, List<JsonNode?> output)
        {
            if (node is JsonObject o && o.TryGetPropertyValue(Name, out var child))
            {
                output.Add(child);
            }
        }
    }

    private sealed class IndexSegment(int index) : Segment
    {
        public int Index { get; } = index;

        public override void Apply(JsonNode? node, List<JsonNode?> output)
        {
            if (node is JsonArray a)
            {
                var i = Index < 0 ? a.Count + Index : Index;
                if (i >= 0 && i < a.Count)
                {
                    output.Add(a[i]);
                }
            }
        }
    }

    private sealed class UnionSegment(IReadOnlyList<Segment> parts) : Segment
    {
        public override void Apply(JsonNode? node, List<JsonNode?> output)
        {
            foreach (var part in parts)
            {
                part.Apply(node, output);
            }
        }
    }

    private sealed class WildcardSegment : Segment
    {
        public override void Apply(JsonNode? node, List<JsonNode?> output)
        {
            switch (node)
            {
                case JsonObject o:
                    output.AddRange(o.Select(p => p.Value));
                    break;
                case JsonArray a:
                    output.AddRange(a);
                    break;
            }
        }
    }

    private sealed class SliceSegment(int? start, int? end, int step) : Segment
    {
        public override void Apply(JsonNode? node, List<JsonNode?> output)
        {
            if (node is not JsonArray a)
            {
                return;
            }
            int Norm(int v) => v < 0 ? Math.Max(0, a.Count + v) : Math.Min(v, a.Count);
            if (step > 0)
            {
                for (var i = Norm(start ?? 0); i < Norm(end ?? a.Count); i += step)
                {
                    output.Add(a[i]);
                }
            }
            else
            {
                var from = start is { } s ? (s < 0 ? a.Count + s : Math.Min(s, a.Count - 1)) : a.Count - 1;
                var to = end is { } e ? (e < 0 ? a.Count + e : e) : -1;
                for (var i = from; i > to && i >= 0; i += step)
                {
                    output.Add(a[i]);
                }
            }
        }
    }

    private sealed class DescendantSegment(Segment inner) : Segment
    {
        public override void Apply(JsonNode? node, List<JsonNode?> output)
        {
            inner.Apply(node, output);
            switch (node)
            {
                case JsonObject o:
                    foreach (var (_, child) in o)
                    {
                        Apply(child, output);
                    }
                    break;
                case JsonArray a:
                    foreach (var child in a)
                    {
                        Apply(child, output);
                    }
                    break;
            }
        }
    }

    private sealed class FilterSegment(Filter filter) : Segment
    {
        public override void Apply(JsonNode? node, List<JsonNode?> output)
        {
            IEnumerable<JsonNode?> candidates = node switch
            {
                JsonArray a => a,
                JsonObject o => o.Select(p => p.Value),
                _ => [],
            };
            output.AddRange(candidates.Where(filter.Matches));
        }
    }

    private abstract class Filter
    {
        public abstract bool Matches(JsonNode? item);
    }

    private sealed class AndFilter(Filter left, Filter right) : Filter
    {
        public override bool Matches(JsonNode? item) => left.Matches(item) && right.Matches(item);
    }

    private sealed class OrFilter(Filter left, Filter right) : Filter
    {
        public override bool Matches(JsonNode? item) => left.Matches(item) || right.Matches(item);
    }

    private sealed class ExistsFilter(JsonPath relative) : Filter
    {
        public override bool Matches(JsonNode? item) => relative.Select(item).Count > 0;
    }

    private sealed class CompareFilter(JsonPath relative, string op, JsonNode? literal) : Filter
    {
        public override bool Matches(JsonNode? item)
        {
            var found = relative.Select(item);
            if (found.Count != 1)
            {
                return false;
            }
            var value = found[0];
            if (op is "==" or "!=")
            {
                return JsonValues.DeepEquals(value, literal) == (op == "==");
            }
            int cmp;
            if (JsonValues.TryGetDouble(value, out var a) && JsonValues.TryGetDouble(literal, out var b))
            {
                cmp = a.CompareTo(b);
            }
            else if (JsonValues.TryGetString(value, out var sa) && JsonValues.TryGetString(literal, out var sb))
            {
                cmp = string.CompareOrdinal(sa, sb);
            }
            else
            {
                return false;
            }
            return op switch
            {
                "<" => cmp < 0,
                "<=" => cmp <= 0,
                ">" => cmp > 0,
                _ => cmp >= 0,
            };
        }
    }

    private sealed class Parser(string text)
    {
        private int _pos;

        public JsonPath ParsePath()
        {
            var isContext = text.StartsWith("$$", StringComparison.Ordinal);
            if (!text.StartsWith('$'))
            {
                throw Fail("a path must start with '$'");
            }
            _pos = isContext ? 2 : 1;
            var segments = ParseSegments(stopAtFilterEnd: false);
            if (_pos != text.Length)
            {
                throw Fail($"unexpected '{text[_pos]}'");
            }
            return new JsonPath(text, isContext, segments);
        }

        private List<Segment> ParseSegments(bool stopAtFilterEnd)
        {
            var segments = new List<Segment>();
            while (_pos < text.Length)
            {
                var c = text[_pos];
                if (stopAtFilterEnd && (c is ' ' or ')' or '=' or '!' or '<' or '>' or '&' or '|'))
                {
                    break;
                }
                if (c == '.')
                {
                    if (Peek(1) == '.')
                    {
                        _pos += 2;
                        var inner = Peek(0) == '[' ? ParseBracket() : ParseDotMember();
                        segments.Add(new DescendantSegment(inner));
                    }
                    else
                    {
                        _pos++;
                        segments.Add(ParseDotMember());
                    }
                }
                else if (c == '[')
                {
                    segments.Add(ParseBracket());
                }
                else
                {
                    throw Fail($"unexpected '{c}'");
                }
            }
            return segments;
        }

        private Segment ParseDotMember()
        {
            if (Peek(0) == '*')
            {
                _pos++;
                return new WildcardSegment();
            }
            var start = _pos;
            while (_pos < text.Length && text[_pos] is not ('.' or '[' or ' ' or ')' or '=' or '!' or '<' or '>' or '&' or '|'))
            {
                _pos++;
            }
            if (_pos == start)
            {
                throw Fail("a name must follow '.'");
            }
            return new NameSegment(text[start.._pos]);
        }

        private Segment ParseBracket()
        {
            _pos++; // [
            SkipSpaces();
            Segment result;
            if (Peek(0) == '*')
            {
                _pos++;
                result = new WildcardSegment();
            }
            else if (Peek(0) == '?')
            {
                _pos++;
                Expect('(');
                var filter = ParseOr();
                SkipSpaces();
                Expect(')');
                result = new FilterSegment(filter);
            }
            else if (Peek(0) is '\'' or '"')
            {
                var names = new List<Segment> { new NameSegment(ParseQuoted()) };
                SkipSpaces();
                while (Peek(0) == ',')
                {
                    _pos++;
                    SkipSpaces();
                    names.Add(new NameSegment(ParseQuoted()));
                    SkipSpaces();
                }
                result = names.Count == 1 ? names[0] : new UnionSegment(names);
            }
            else
            {
                result = ParseIndexOrSlice();
            }
            SkipSpaces();
            Expect(']');
            return result;
        }

        private Segment ParseIndexOrSlice()
        {
            var first = ParseOptionalInt();
            SkipSpaces();
            if (Peek(0) == ':')
            {
                _pos++;
                var end = ParseOptionalInt();
                var step = 1;
                if (Peek(0) == ':')
                {
                    _pos++;
                    step = ParseOptionalInt() ?? 1;
                    if (step == 0)
                    {
                        throw Fail("a slice step cannot be 0");
                    }
                }
                return new SliceSegment(first, end, step);
            }
            if (first is null)
            {
                throw Fail("expected an index, a quoted name, '*' or a filter inside []");
            }
            var indexes = new List<Segment> { new IndexSegment(first.Value) };
            while (Peek(0) == ',')
            {
                _pos++;
                SkipSpaces();
                indexes.Add(new IndexSegment(ParseOptionalInt() ?? throw Fail("expected an index after ','")));
                SkipSpaces();
            }
            return indexes.Count == 1 ? indexes[0] : new UnionSegment(indexes);
        }

        private int? ParseOptionalInt()
        {
            SkipSpaces();
            var start = _pos;
            if (Peek(0) == '-')
            {
                _pos++;
            }
            while (_pos < text.Length && char.IsAsciiDigit(text[_pos]))
            {
                _pos++;
            }
            if (_pos == start)
            {
                return null;
            }
            return int.TryParse(text[start.._pos], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
                ? v
                : throw Fail($"'{text[start.._pos]}' is not an index");
        }

        private string ParseQuoted()
        {
            var quote = text[_pos++];
            var sb = new StringBuilder();
            while (_pos < text.Length && text[_pos] != quote)
            {
                if (text[_pos] == '\\' && _pos + 1 < text.Length)
                {
                    _pos++;
                }
                sb.Append(text[_pos++]);
            }
            Expect(quote);
            return sb.ToString();
        }

        private Filter ParseOr() => ParseChain('|', ParseAnd, (left, right) => new OrFilter(left, right));

        private Filter ParseAnd() => ParseChain('&', ParseComparison, (left, right) => new AndFilter(left, right));

        /// <summary>Operands joined by a doubled <paramref name="op"/> ("||", "&amp;&amp;"), grouped from the left.</summary>
        private Filter ParseChain(char op, Func<Filter> operand, Func<Filter, Filter, Filter> join)
        {
            var left = operand();
            SkipSpaces();
            while (Peek(0) == op && Peek(1) == op)
            {
                _pos += 2;
                left = join(left, operand());
                SkipSpaces();
            }
            return left;
        }

        private Filter ParseComparison()
        {
            SkipSpaces();
            if (Peek(0) != '@')
            {
                throw Fail("a filter expression must start with '@'");
            }
            var start = _pos;
            _pos++;
            var segments = ParseSegments(stopAtFilterEnd: true);
            var relative = new JsonPath("$" + text[(start + 1).._pos], false, segments);
            SkipSpaces();
            var op = ReadOperator();
            if (op is null)
            {
                return new ExistsFilter(relative);
            }
            SkipSpaces();
            return new CompareFilter(relative, op, ParseLiteral());
        }

        private string? ReadOperator()
        {
            foreach (var op in new[] { "==", "!=", "<=", ">=", "<", ">" })
            {
                if (string.CompareOrdinal(text, _pos, op, 0, op.Length) == 0)
                {
                    _pos += op.Length;
                    return op;
                }
            }
            return null;
        }

        private JsonNode? ParseLiteral()
        {
            if (Peek(0) is '\'' or '"')
            {
                return JsonValue.Create(ParseQuoted());
            }
            var start = _pos;
            while (_pos < text.Length && text[_pos] is not (' ' or ')' or '&' or '|'))
            {
                _pos++;
            }
            var raw = text[start.._pos];
            try
            {
                return JsonNode.Parse(raw);
            }
            catch (JsonException)
            {
                throw Fail($"'{raw}' is not a literal");
            }
        }

        private void SkipSpaces()
        {
            while (_pos < text.Length && text[_pos] == ' ')
            {
                _pos++;
            }
        }

        private char Peek(int offset) => _pos + offset < text.Length ? text[_pos + offset] : '\0';

        private void Expect(char c)
        {
            if (Peek(0) != c)
            {
                throw Fail($"expected '{c}'");
            }
            _pos++;
        }

        private FormatException Fail(string why) => new($"Invalid JSONPath '{text}' at position {_pos}: {why}");
    }
}
