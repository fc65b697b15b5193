using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Local.Aws.CloudFormation;

/// <summary>
/// Reads CloudFormation YAML into a JSON tree, turning the short-form tags (<c>!Ref</c>,
/// <c>!GetAtt</c>, ...) into their long forms so the evaluator sees one shape only.
/// </summary>
internal static class TemplateYaml
{
    private static readonly Dictionary<string, string> ShortForms = new(StringComparer.Ordinal)
    {
        ["!Ref"] = "Ref",
        ["!Condition"] = "Condition",
        ["!GetAtt"] = "Fn::GetAtt",
        ["!Sub"] = "Fn::Sub",
        ["!Join"] = "Fn::Join",
        ["!If"] = "Fn::If",
        ["!Select"] = "Fn::Select",
        ["!Split"] = "Fn::Split",
        ["!FindInMap"] = "Fn::FindInMap",
        ["!Equals"] = "Fn::Equals",
        ["!Not"] = "Fn::Not",
        ["!And"] = "Fn::And",
        ["!Or"] = "Fn::Or",
        ["!Base64"] = "Fn::Base64",
        ["!ImportValue"] = "Fn::ImportValue",
        ["!GetAZs"] = "Fn::GetAZs",
        ["!Cidr"] = "Fn::Cidr",
        ["!Transform"] = "Fn::Transform",
        ["!Length"] = "Fn::Length",
        ["!ToJsonString"] = "Fn::ToJsonString",
    };

    public static JsonObject Parse(string yaml, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new TemplateInvalidException(
                $"{source}: YAML error at line {e.Start.Line}, column {e.Start.Column}: {e.Message}", e);
        }

        if (stream.Documents.Count == 0 || Convert(stream.Documents[0].RootNode, "", source) is not JsonObject root)
        {
            throw new TemplateInvalidException($"{source}: the template is not a YAML mapping");
        }

        return root;
    }

    private static JsonNode? Convert(YamlNode node, string path, string source)
    {
        var tag = node.Tag.IsEmpty ? null : node.Tag.Value;
        if (tag is not null && tag.StartsWith('!') && !tag.StartsWith("!!", StringComparison.Ordinal))
        {
            if (!ShortForms.TryGetValue(tag, out var longForm))
            {
                throw new TemplateInvalidException($"{source}: {Describe(path)} uses the unknown tag {tag}");
            }

            return new JsonObject { [longForm] = ShortFormArgument(tag, node, path, source) };
        }

        return ConvertUntagged(node, path, source);
    }

    private static JsonNode? ShortFormArgument(string tag, YamlNode node, string path, string source)
    {
        // !GetAtt Res.Attr is the one short form whose scalar differs from its long form.
        if (tag == "!GetAtt" && node is YamlScalarNode scalar)
        {
            var text = scalar.Value ?? "";
            var dot = text.IndexOf('.', StringComparison.Ordinal);
            if (dot <= 0 || dot == text.Length - 1)
            {
                throw new TemplateInvalidException(
                    $"{source}: {Describe(path)}: !GetAtt needs LogicalId.Attribute, got '{text}'");
            }

            return new JsonArray(text[..dot], text[(dot + 1)..]);
        }

        return node is YamlScalarNode s ? JsonValue.Create(s.Value ?? "") : ConvertUntagged(node, path, source);
    }

    private static JsonNode? ConvertUntagged(YamlNode node, string path, string source)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (keyNode, valueNode) in map.Children)
                {
                    var key = ((YamlScalarNode)keyNode).Value ?? "";
                    if (obj.ContainsKey(key))
                    {
                        throw new TemplateInvalidException($"{source}: {Describe(Join(path, key))} is declared twice");
                    }

                    obj[key] = Convert(valueNode, Join(path, key), source);
                }

                return obj;
            case YamlSequenceNode seq:
                var array = new JsonArray();
                var i = 0;
                foreach (var item in seq.Children)
                {
                    array.Add(Convert(item, $"{path}[{i++}]", source));
                }

                return array;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw new TemplateInvalidException($"{source}: {Describe(path)} has an unsupported YAML node");
        }
    }

    // Plain scalars are typed as YAML 1.1 core types so that numbers in event patterns stay numbers.
    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain || (!scalar.Tag.IsEmpty && scalar.Tag.Value == "!!str"))
        {
            return JsonValue.Create(text);
        }

        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (text.Any(char.IsDigit) && !text.Contains(' ', StringComparison.Ordinal)
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)
            && double.IsFinite(real))
        {
            return JsonValue.Create(real);
        }

        return JsonValue.Create(text);
    }

    internal static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    internal static string Describe(string path) => path.Length == 0 ? "the template root" : path;
}
