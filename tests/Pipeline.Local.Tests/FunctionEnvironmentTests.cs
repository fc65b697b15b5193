namespace Pipeline.Local.Tests;

/// <summary>What the local stack gives a function beyond its template environment, and that it is documented.</summary>
public sealed class FunctionEnvironmentTests
{
    private static readonly Dictionary<string, string> Template = new()
    {
        ["PIPELINE_REGISTRY_TABLE"] = "pipeline-RegistryTable",
        ["PIPELINE_ROUTER_PORT"] = "8080",
    };

    private static readonly Dictionary<string, string> Endpoints = new()
    {
        ["AWS_ENDPOINT_URL_DYNAMODB"] = "http://127.0.0.1:4567",
        ["AWS_ENDPOINT_URL_S3"] = "http://127.0.0.1:4568",
    };

    [Fact]
    public void Compose_WhenGivenTemplateEndpointsAndLocalSettings_ShouldHoldExactlyThose()
    {
        var local = LocalOnlySettings.Values(new Uri("http://127.0.0.1:4569/"), "127.0.0.1", clock: null);

        var environment = FunctionEnvironment.Compose(Template, Endpoints, local);

        Assert.Equal(
            Template.Keys.Concat(Endpoints.Keys).Concat(["PIPELINE_FLEET_ENDPOINT", "PIPELINE_ROUTER_BIND", "PIPELINE_GITHUB_API_URL", "PIPELINE_EXECUTION_LINK_PREFIX"]).Order(),
            environment.Keys.Order());
        Assert.Equal("http://127.0.0.1:4569", environment["PIPELINE_FLEET_ENDPOINT"]);
        Assert.Equal("http://127.0.0.1:4569/github/", environment["PIPELINE_GITHUB_API_URL"]);
        Assert.Equal("http://127.0.0.1:4569/executions/", environment["PIPELINE_EXECUTION_LINK_PREFIX"]);
        Assert.Equal("8080", environment["PIPELINE_ROUTER_PORT"]);
    }

    [Fact]
    public void Compose_WhenTheClockIsScaled_ShouldPassItAsLocalOnlySettings()
    {
        var clock = new Pipeline.Core.Time.ScaledTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_772_445_600_000), 10);

        var environment = FunctionEnvironment.Compose(Template, Endpoints, LocalOnlySettings.Values(new Uri("http://127.0.0.1:1"), "127.0.0.1", clock));

        Assert.Equal("1772445600000", environment["PIPELINE_CLOCK_ORIGIN"]);
        Assert.Equal("10", environment["PIPELINE_CLOCK_SCALE"]);
    }

    [Theory]
    [InlineData("PIPELINE_ROUTER_NODES")]
    [InlineData("PIPELINE_ROUTES_BUCKET")]
    public void Compose_WhenAskedToInjectAVariableOffTheList_ShouldRefuseIt(string name)
    {
        var asLocal = Assert.Throws<ArgumentException>(() => FunctionEnvironment.Compose(Template, Endpoints, new Dictionary<string, string> { [name] = "x" }));
        var asEndpoint = Assert.Throws<ArgumentException>(() => FunctionEnvironment.Compose(Template, new Dictionary<string, string> { [name] = "x" }, new Dictionary<string, string>()));

        Assert.Contains(name, asLocal.Message, StringComparison.Ordinal);
        Assert.Contains("PIPELINE_FLEET_ENDPOINT", asLocal.Message, StringComparison.Ordinal);
        Assert.Contains("AWS_ENDPOINT_URL_", asEndpoint.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LocalOnlySettings_ShouldBeDocumentedInTheReadmeAsOneTable()
    {
        var readme = File.ReadAllText(Path.Combine(FunctionBinaries.RepositoryRoot, "README.md")).ReplaceLineEndings("\n");

        Assert.Contains(LocalOnlySettings.MarkdownTable(), readme, StringComparison.Ordinal);
    }
}
