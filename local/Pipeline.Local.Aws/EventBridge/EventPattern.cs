namespace Pipeline.Local.Aws.EventBridge;

/// <summary>
/// An EventBridge event pattern, validated once and then matched against events the way
/// EventBridge matches them: every field of the pattern must match (AND), any value in a field's
/// list may match (OR), an array in the event matches when any of its elements does, and a field
/// the event lacks matches only <c>{"exists": false}</c>.
/// </summary>
public sealed class EventPattern
{
    private readonly FieldSet _root;

    private EventPattern(FieldSet root) => _root = root;

    public static EventPattern Parse(string json)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new EventPatternInvalidException($"the event pattern is not valid JSON: {e.Message}");
        }

        return From(node as JsonObject ?? throw new EventPatternInvalidException("the event pattern must be a JSON object"));
    }

    public static EventPattern From(JsonObject pattern) => new(FieldSet.Compile(pattern, ""));

    public bool Matches(JsonNode? evt) => evt is JsonObject obj && _root.Matches(obj);

    public bool Matches(string eventJson) => Matches(JsonNode.Parse(eventJson));

    /// <summary>A set of fields that must all match; <c>$or</c> adds alternatives of which one must.</summary>
    private sealed class FieldSet
    {
        private readonly List<(string Key, Field Field)> _fields = [];
        private readonly List<List<FieldSet>> _ors = [];

        public static FieldSet Compile(JsonObject pattern, string path)
        {
            if (pattern.Count == 0)
            {
                throw new EventPatternInvalidException($"{Describe(path)}: an empty object matches nothing; remove it");
            }

            var set = new FieldSet();
            foreach (var (key, value) in pattern)
            {
                var fieldPath = path.Length == 0 ? key : $"{path}.{key}";
                if (key == "$or")
                {
                    if (value is not JsonArray { Count: >= 2 } alternatives || alternatives.Any(a => a is not JsonObject))
                    {
                        throw new EventPatternInvalidException($"{fieldPath}: $or needs a list of at least two objects");
                    }

                    set._ors.Add([.. alternatives.Select(a => Compile((JsonObject)a!, path))]);
                    continue;
                }

                set._fields.Add((key, value switch
                {
                    JsonObject nested => new NestedField(Compile(nested, fieldPath)),
                    JsonArray { Count: > 0 } list => new LeafField([.. list.Select((m, i) => Matcher.Compile(m, $"{fieldPath}[{i}]"))]),
                    JsonArray => throw new EventPatternInvalidException($"{fieldPath}: an empty list matches nothing"),
                    _ => throw new EventPatternInvalidException(
                        $"{fieldPath}: a pattern value must be a list of matchers or an object, got {value?.ToJsonString() ?? "null"}"),
                }));
            }

            return set;
        }

        /// <summary>Matches an object, or (given null) the absence of one, which only exists:false accepts.</summary>
        public bool Matches(JsonObject? evt) =>
            _fields.All(f => evt is not null && evt.TryGetPropertyValue(f.Key, out var v)
                ? f.Field.Matches(true, v)
                : f.Field.Matches(false, null))
            && _ors.All(alternatives => alternatives.Any(a => a.Matches(evt)));
    }

    private abstract class Field
    {
        public abstract bool Matches(bool present, JsonNode? value);
    }

    private sealed class NestedField(FieldSet set) : Field
    {
        public override bool Matches(bool present, JsonNode? value) => value switch
        {
            JsonObject obj => set.Matches(obj),
            JsonArray array => array.Any(item => item is JsonObject o && set.Matches(o)),
            _ => set.Matches(null),
        };
    }

    private sealed class LeafField(IReadOnlyList<Matcher> matchers) : Field
    {
        public override bool Matches(bool present, JsonNode? value)
        {
            if (!present || value is JsonObject)
            {
                return matchers.Any(m => m.MatchesAbsent);
            }

            if (value is JsonArray array)
            {
                // exists:true asks whether the field is there, which a non-empty array is.
                return array.Count == 0
                    ? matchers.Any(m => m.MatchesAbsent)
                    : matchers.Any(m => m.MatchesPresence || array.Any(item => item is not JsonObject and not JsonArray && m.Matches(item)));
            }

            return matchers.Any(m => m.MatchesPresence || m.Matches(value));
        }
    }

    private static string Describe(string path) => path.Length == 0 ? "the pattern" : path;
}
