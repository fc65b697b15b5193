namespace Pipeline.Functions.Tests;

public sealed class PayloadTests
{
    private static string Event(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Events", name));

    [Fact]
    public void RecordVersionInput_WhenSampleEvent_ShouldDeserializeAndValidate()
    {
        var input = JsonSerializer.Deserialize(Event("record-version.json"), RecordVersionJson.Default.RecordVersionInput)!;

        input.Validate();
        Assert.Equal("orders", input.Service);
        Assert.Equal("builds/7f3c2a/service.yaml", input.ManifestKey);
    }

    [Fact]
    public void ProvisionTablesInput_WhenSampleEvent_ShouldDeserializeAndValidate()
    {
        var input = JsonSerializer.Deserialize(Event("provision-tables.json"), ProvisionTablesJson.Default.ProvisionTablesInput)!;

        input.Validate();
        Assert.Equal(new ProvisionTablesInput("orders", "1.4.12-89abcde"), input);
    }

    [Theory]
    [InlineData("commit", "main", "commit: must be a 40-character hexadecimal commit id, not 'main'")]
    [InlineData("commit", "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c\n", "commit: must be a 40-character hexadecimal commit id, not '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c\n'")]
    [InlineData("service", "", "service: is required")]
    [InlineData("executionId", " ", "executionId: is required")]
    [InlineData("artifactKey", "", "artifactKey: is required")]
    [InlineData("manifestKey", "", "manifestKey: is required")]
    public void RecordVersionInput_WhenFieldInvalid_ShouldNameIt(string field, string value, string message)
    {
        var json = JsonSerializer.Deserialize<Dictionary<string, string>>(Event("record-version.json"))!;
        json[field] = value;
        var input = JsonSerializer.Deserialize(JsonSerializer.Serialize(json), RecordVersionJson.Default.RecordVersionInput)!;

        var error = Assert.Throws<InvalidInputException>(input.Validate);

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void ProvisionTablesInput_WhenLabelMissing_ShouldNameIt()
    {
        var input = JsonSerializer.Deserialize("""{"service":"orders"}""", ProvisionTablesJson.Default.ProvisionTablesInput)!;

        Assert.Equal("label: is required", Assert.Throws<InvalidInputException>(input.Validate).Message);
    }

    [Fact]
    public void RecordVersionOutput_WhenSerialized_ShouldWriteTheVersionFieldsFirstInCamelCase()
    {
        var identity = new Pipeline.Core.Registry.VersionIdentity("orders", "1.4.1-89abcde", 1, TestStack.Commit,
            "artifacts/orders/1.4.1-89abcde/orders.zip", "artifacts/orders/1.4.1-89abcde/service.yaml", "hash");
        var output = new RecordVersionOutput(Pipeline.Core.Registry.VersionRecord.Recorded(identity, "name: orders\n", "exec-1", DateTimeOffset.UnixEpoch));

        var json = JsonSerializer.Serialize(output, RecordVersionJson.Default.RecordVersionOutput);

        Assert.Equal(
            "{\"service\":\"orders\",\"label\":\"1.4.1-89abcde\",\"count\":1,\"commit\":\"" + TestStack.Commit + "\"," +
            "\"artifactKey\":\"artifacts/orders/1.4.1-89abcde/orders.zip\",\"manifestKey\":\"artifacts/orders/1.4.1-89abcde/service.yaml\"," +
            "\"manifestHash\":\"hash\",\"status\":\"Recorded\",\"recordedAt\":\"1970-01-01T00:00:00+00:00\",\"artifactSha256\":null}",
            json);
        Assert.Equal(output, JsonSerializer.Deserialize(json, RecordVersionJson.Default.RecordVersionOutput));
    }

    [Fact]
    public void RecordVersionOutput_WhenStatusMissing_ShouldRefuseIt()
    {
        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(
            """{"service":"orders","label":"1.4.1-89abcde","count":1,"recordedAt":"1970-01-01T00:00:00+00:00"}""",
            RecordVersionJson.Default.RecordVersionOutput));

        Assert.Contains("status", error.Message, StringComparison.Ordinal);
    }
}
