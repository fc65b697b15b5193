namespace Pipeline.Functions.Tests;

/// <summary>
/// The published NormalizeTrigger, run as its own process over the Runtime API exactly as Lambda
/// runs it, must answer every sample event as the normalizer does.
/// </summary>
public sealed class PublishedNormalizeTriggerTests
{
    private const string Function = "NormalizeTriggerFunction";

    private static string[] Samples() =>
        [.. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Events"), "*.json").Order()];

    private static async Task<LocalLambdaService> StartAsync(Dictionary<string, string>? environment = null)
    {
        var definition = await FunctionBinaries.PublishedAsync(Function, AppContext.BaseDirectory);
        if (environment is not null)
        {
            definition = definition with { Environment = environment };
        }

        return new LocalLambdaService([definition]);
    }

    [Fact]
    public async Task Invoke_WhenGivenEverySampleEvent_ShouldAnswerAsTheNormalizerDoes()
    {
        await using var lambda = await StartAsync();
        var normalizer = new TriggerNormalizer(TriggerSettings.FromDeployBranch("main"));

        Assert.True(Samples().Length >= 10, "the sample events were not copied beside the tests");
        foreach (var sample in Samples())
        {
            var payload = await File.ReadAllBytesAsync(sample);
            var result = await lambda.InvokeAsync(Function, payload);

            try
            {
                var expected = normalizer.Normalize(JsonDocument.Parse(payload).RootElement);
                Assert.False(result.IsError, $"{sample}: {Encoding.UTF8.GetString(result.Payload)}");
                Assert.Equal(expected, JsonSerializer.Deserialize(result.Payload, PipelineJson.Default.PipelineRequest));
            }
            catch (InvalidInputException expected)
            {
                Assert.Equal(("Pipeline.InvalidInput", expected.Message), (result.ErrorType, result.ErrorMessage));
            }
        }
    }

    [Fact]
    public async Task Invoke_WhenDeployBranchIsConfigured_ShouldBuildPushesToThatBranchOnly()
    {
        await using var lambda = await StartAsync(new() { ["PIPELINE_DEPLOY_BRANCH"] = "feature/login" });

        var other = await lambda.InvokeAsync(Function, await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "Events", "github-push-other-branch.json")));
        var main = await lambda.InvokeAsync(Function, await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "Events", "github-push-main.json")));

        Assert.Equal("build", JsonDocument.Parse(other.Payload).RootElement.GetProperty("action").GetString());
        Assert.Equal("none", JsonDocument.Parse(main.Payload).RootElement.GetProperty("action").GetString());
    }

    [Fact]
    public async Task Invoke_WhenDeployBranchSettingIsInvalid_ShouldFailInitWithInvalidInput()
    {
        await using var lambda = await StartAsync(new() { ["PIPELINE_DEPLOY_BRANCH"] = "two words" });

        var result = await lambda.InvokeAsync(Function, "{}"u8.ToArray());

        Assert.Equal("Pipeline.InvalidInput", result.ErrorType);
        Assert.Contains("two words", result.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_WhenManualRunNamesARepositoryUrl_ShouldAcceptOnlyTheServicesOwnInTheFunctionsRegion()
    {
        await using var lambda = await StartAsync(new() { ["AWS_REGION"] = "eu-west-1" });
        const string build = """{"service":"orders","commit":"0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c","repositoryUrl":"URL"}""";

        var own = await lambda.InvokeAsync(Function, Encoding.UTF8.GetBytes(build.Replace("URL", "https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/orders", StringComparison.Ordinal)));
        var other = await lambda.InvokeAsync(Function, Encoding.UTF8.GetBytes(build.Replace("URL", "https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/billing", StringComparison.Ordinal)));

        Assert.False(own.IsError, Encoding.UTF8.GetString(own.Payload));
        Assert.Equal("Pipeline.InvalidInput", other.ErrorType);
        Assert.Equal("repositoryUrl 'https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/billing' is not the repository of service 'orders'; "
            + "a manual run builds only https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/orders, so give that URL or leave repositoryUrl out", other.ErrorMessage);
    }

    [Fact]
    public async Task Invoke_WhenPayloadIsNotAnObject_ShouldFailWithInvalidInputAndKeepServing()
    {
        await using var lambda = await StartAsync();

        var bad = await lambda.InvokeAsync(Function, "[1,2,3]"u8.ToArray());
        var good = await lambda.InvokeAsync(Function, """{"service":"orders","version":"2.0.1"}"""u8.ToArray());

        Assert.Equal("Pipeline.InvalidInput", bad.ErrorType);
        Assert.False(good.IsError);
    }
}
