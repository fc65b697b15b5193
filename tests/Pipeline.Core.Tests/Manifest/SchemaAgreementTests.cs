using System.Globalization;
using System.Text.RegularExpressions;
using Json.Schema;
using Pipeline.Core.Manifest;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Core.Tests.Manifest;

/// <summary>schemas/service.schema.json and the parser must accept and reject the same documents.</summary>
public sealed partial class SchemaAgreementTests
{
    internal static readonly JsonSchema Schema =
        JsonSchema.FromText(File.ReadAllText(RepositoryRoot.Combine("schemas/service.schema.json")));

    public static TheoryData<string> GoodDocuments() => new(
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Manifests", "good"), "*.yaml")
            .Append(RepositoryRoot.Combine("examples/services/orders/service.yaml"))
            .Append(RepositoryRoot.Combine("examples/compositions/storefront/service.yaml")));

    public static TheoryData<string> BadDocuments() =>
        new(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Manifests", "bad"), "*.yaml")
            .Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(GoodDocuments))]
    public void Validate_WhenSampleManifest_ShouldPassSchemaAndParser(string file)
    {
        var yaml = File.ReadAllText(file);

        var schema = Schema.Evaluate(ToJson(yaml), new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(schema.IsValid, Describe(schema));
        Assert.True(ManifestParser.TryParse(yaml).IsValid);
    }

    [Theory]
    [MemberData(nameof(BadDocuments))]
    public void Validate_WhenBadManifest_ShouldFailSchemaAndParser(string name)
    {
        var yaml = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Manifests", "bad", name));

        var schema = Schema.Evaluate(ToJson(yaml));

        Assert.False(schema.IsValid, $"the schema accepts {name}");
        Assert.False(ManifestParser.TryParse(yaml).IsValid, $"the parser accepts {name}");
    }

    [Fact]
    public void Schema_WhenComparedWithParser_ShouldKnowTheSameTopLevelFields()
    {
        var properties = JsonNode.Parse(File.ReadAllText(RepositoryRoot.Combine("schemas/service.schema.json")))!["properties"]!
            .AsObject().Select(p => p.Key).Order(StringComparer.Ordinal);
        var error = ManifestParser.TryParse("name: a\nport: 1\nbuild: { artifact: x }\nzzz: 1\n").Errors.Single();

        Assert.Equal($"unknown field; service.yaml accepts {string.Join(", ", properties)}", error.Message);
    }

    /// <summary>YAML to JSON the way editors' YAML language servers do it: YAML 1.2 core schema.</summary>
    internal static JsonElement ToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var node = Convert(stream.Documents[0].RootNode);
        return JsonDocument.Parse(node?.ToJsonString() ?? "null").RootElement.Clone();
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(p =>
            KeyValuePair.Create(((YamlScalarNode)p.Key).Value!, Convert(p.Value)))),
        YamlSequenceNode list => new JsonArray(list.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new NotSupportedException(node.GetType().Name),
    };

    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? string.Empty;
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }

        if (value is "" or "~" or "null")
        {
            return null;
        }

        if (value is "true" or "false")
        {
            return JsonValue.Create(value == "true");
        }

        if (Integer().IsMatch(value))
        {
            return JsonValue.Create(long.Parse(value, CultureInfo.InvariantCulture));
        }

        return Number().IsMatch(value)
            ? JsonValue.Create(double.Parse(value, CultureInfo.InvariantCulture))
            : JsonValue.Create(value);
    }

    internal static string Describe(EvaluationResults results) =>
        JsonSerializer.Serialize((results.Details ?? []).Where(d => d.Errors is { Count: > 0 }).Select(d => new
        {
            at = d.InstanceLocation.ToString(),
            errors = d.Errors,
        }));

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Number();
}
