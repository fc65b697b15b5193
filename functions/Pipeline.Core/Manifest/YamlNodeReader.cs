using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Core.Manifest;

/// <summary>
/// Reads typed values out of a YAML tree and collects every problem with its position and field
/// path, instead of stopping at the first. Plain scalars are typed by the YAML 1.2 core schema,
/// as a JSON Schema validator would see them: <c>port: "8080"</c> is a string, <c>name: 42</c> a number.
/// </summary>
internal sealed partial class YamlNodeReader(string file)
{
    private readonly List<ManifestError> _errors = [];

    public IReadOnlyList<ManifestError> Errors => _errors;

    public void Error(Mark mark, string path, string message) =>
        _errors.Add(new ManifestError(file, (int)mark.Line, (int)mark.Column, path.Length == 0 ? "(root)" : path, message));

    public void Error(YamlNode node, string path, string message) => Error(node.Start, path, message);

    public MappingReader? Mapping(YamlNode node, string path)
    {
        if (node is YamlMappingNode mapping)
        {
            return new MappingReader(this, mapping, path);
        }

        Error(node, path, $"must be a mapping, not {Describe(node)}");
        return null;
    }

    public YamlSequenceNode? Sequence(YamlNode node, string path)
    {
        if (node is YamlSequenceNode sequence)
        {
            return sequence;
        }

        Error(node, path, $"must be a list, not {Describe(node)}");
        return null;
    }

    /// <summary>
    /// Every item of a list, read by <paramref name="readItem"/> (which reports what is wrong with an item and
    /// returns null), so that all bad items are reported, not only the first; null when any is bad. An item
    /// whose <paramref name="key"/> an earlier item already has is bad too: <paramref name="repeats"/> words
    /// that, given the item and the index of the earlier one, at the item's path or its <paramref name="keyField"/>.
    /// </summary>
    public List<T>? Items<T>(
        YamlSequenceNode sequence, string path, Func<YamlNode, string, T?> readItem,
        Func<T, string> key, Func<T, int, string> repeats, string? keyField = null)
        where T : class
    {
        var items = new List<T>();
        var ok = true;
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var node = sequence.Children[i];
            var itemPath = $"{path}[{i}]";
            var item = readItem(node, itemPath);
            if (item is null)
            {
                ok = false;
            }
            else if (seen.TryGetValue(key(item), out var first))
            {
                Error(node, keyField is null ? itemPath : $"{itemPath}.{keyField}", repeats(item, first));
                ok = false;
            }
            else
            {
                seen[key(item)] = i;
                items.Add(item);
            }
        }

        return ok ? items : null;
    }

    public string? String(YamlNode node, string path)
    {
        if (node is YamlScalarNode scalar && ScalarType(scalar) == "string")
        {
            return scalar.Value;
        }

        Error(node, path, node is YamlScalarNode s && ScalarType(s) != "null"
            ? $"must be a string, not {Describe(node)} (quote it: \"{ManifestGrammar.Visible(s.Value ?? string.Empty)}\")"
            : $"must be a string, not {Describe(node)}");
        return null;
    }

    /// <summary>A string matching <paramref name="pattern"/>, whose meaning <paramref name="rule"/> explains.</summary>
    public string? String(YamlNode node, string path, Regex pattern, string rule)
    {
        var value = String(node, path);
        if (value is not null && !pattern.IsMatch(value))
        {
            Error(node, path, $"'{ManifestGrammar.Visible(value)}' {rule}");
            return null;
        }

        return value;
    }

    /// <summary>A string <paramref name="accepts"/> takes, whose meaning <paramref name="rule"/> explains.</summary>
    public string? String(YamlNode node, string path, Func<string, bool> accepts, string rule)
    {
        var value = String(node, path);
        if (value is not null && !accepts(value))
        {
            Error(node, path, $"'{value}' {rule}");
            return null;
        }

        return value;
    }

    public long? Integer(YamlNode node, string path, long min, long max)
    {
        if (node is not YamlScalarNode scalar || ScalarType(scalar) != "integer")
        {
            Error(node, path, $"must be an integer, not {Describe(node)}");
            return null;
        }

        if (!long.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            || value < min || value > max)
        {
            Error(node, path, $"must be from {min} to {max}, not {scalar.Value}");
            return null;
        }

        return value;
    }

    public int? Int(YamlNode node, string path, int min, int max) => (int?)Integer(node, path, min, max);

    /// <summary>One of <paramref name="allowed"/>, spelt exactly.</summary>
    public string? Choice(YamlNode node, string path, params string[] allowed)
    {
        var value = String(node, path);
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            Error(node, path, $"must be one of {string.Join(", ", allowed)}, not '{ManifestGrammar.Visible(value)}'");
            return null;
        }

        return value;
    }

    /// <summary>The YAML 1.2 core-schema type of a scalar: string, integer, number, boolean or null.</summary>
    public static string ScalarType(YamlScalarNode scalar)
    {
        if (scalar.Style is not ScalarStyle.Plain || scalar.Tag == "tag:yaml.org,2002:str")
        {
            return "string";
        }

        var value = scalar.Value ?? string.Empty;
        if (NullScalar().IsMatch(value))
        {
            return "null";
        }

        if (BoolScalar().IsMatch(value))
        {
            return "boolean";
        }

        if (IntScalar().IsMatch(value))
        {
            return "integer";
        }

        return FloatScalar().IsMatch(value) ? "number" : "string";
    }

    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode scalar => ScalarType(scalar) switch
        {
            "null" => "empty",
            "string" => $"the string '{ManifestGrammar.Visible(scalar.Value ?? string.Empty)}'",
            var type => $"the {type} {ManifestGrammar.Visible(scalar.Value ?? string.Empty)}",
        },
        _ => "an alias",
    };

    [GeneratedRegex(@"\A(~|null|Null|NULL|)\z")]
    private static partial Regex NullScalar();

    [GeneratedRegex(@"\A(true|True|TRUE|false|False|FALSE)\z")]
    private static partial Regex BoolScalar();

    [GeneratedRegex(@"\A[-+]?[0-9]+\z")]
    private static partial Regex IntScalar();

    [GeneratedRegex(@"\A(?:[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))\z")]
    private static partial Regex FloatScalar();
}

/// <summary>
/// The fields of one YAML mapping. Every field read is remembered, so <see cref="RejectUnknown"/>
/// can report the rest as unknown, with the fields that would have been accepted.
/// </summary>
internal sealed class MappingReader
{
    private readonly YamlNodeReader _reader;
    private readonly YamlMappingNode _mapping;
    private readonly Dictionary<string, (YamlNode Key, YamlNode Value)> _fields = new(StringComparer.Ordinal);
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public MappingReader(YamlNodeReader reader, YamlMappingNode mapping, string path)
    {
        _reader = reader;
        _mapping = mapping;
        Path = path;
        foreach (var (key, value) in mapping.Children)
        {
            if (key is YamlScalarNode { Value: { } name })
            {
                _fields[name] = (key, value);
            }
            else
            {
                reader.Error(key, path, "field names must be plain strings");
            }
        }
    }

    public string Path { get; }

    public YamlMappingNode Node => _mapping;

    public string Child(string field) => Path.Length == 0 ? field : $"{Path}.{field}";

    /// <summary>
    /// The field's value, or null when it is absent. A field present with an empty value is
    /// reported (once) and also reads as null: a schema validator sees it as null, not as absent.
    /// </summary>
    public YamlNode? Optional(string field)
    {
        if (!_fields.TryGetValue(field, out var entry))
        {
            _known.Add(field);
            return null;
        }

        if (entry.Value is YamlScalarNode scalar && YamlNodeReader.ScalarType(scalar) == "null")
        {
            if (_known.Add(field))
            {
                _reader.Error(entry.Key, Child(field), "is empty; give it a value or remove the line");
            }

            return null;
        }

        _known.Add(field);
        return entry.Value;
    }

    /// <summary>
    /// An optional list field: its items, none when the field is absent; null when it is there but is not
    /// a list (the error is recorded).
    /// </summary>
    public YamlSequenceNode? OptionalSequence(string field) =>
        Optional(field) is { } node ? _reader.Sequence(node, Child(field)) : new YamlSequenceNode();

    /// <summary>An optional list field read item by item, as <see cref="YamlNodeReader.Items{T}"/> reads it; empty when absent.</summary>
    public List<T>? OptionalList<T>(
        string field, Func<YamlNode, string, T?> readItem, Func<T, string> key, Func<T, int, string> repeats, string? keyField = null)
        where T : class =>
        OptionalSequence(field) is { } sequence ? _reader.Items(sequence, Child(field), readItem, key, repeats, keyField) : null;

    /// <summary>The field's value, or null after reporting it missing.</summary>
    public YamlNode? Required(string field)
    {
        var present = _fields.ContainsKey(field);
        var value = Optional(field);
        if (value is null && !present)
        {
            _reader.Error(_mapping, Child(field), "is required");
        }

        return value;
    }

    public void RejectUnknown()
    {
        foreach (var (name, (key, _)) in _fields)
        {
            if (!_known.Contains(name))
            {
                _reader.Error(key, Child(ManifestGrammar.Visible(name)),
                    $"unknown field; {Describe()} accepts {string.Join(", ", _known.Order(StringComparer.Ordinal))}");
            }
        }
    }

    private string Describe() => Path.Length == 0 ? "service.yaml" : Path;
}
