using Pipeline.Functions.NormalizeTrigger;

namespace Pipeline.Functions.Tests;

public sealed class NormalizeTriggerHandlerTests
{
    private static readonly InvocationContext Context = new("req-1", DateTimeOffset.UtcNow.AddMinutes(1),
        "arn:aws:lambda:us-east-1:123456789012:function:NormalizeTriggerFunction", null, CancellationToken.None);

    private static JsonElement Event(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Events", name))).RootElement.Clone();

    [Fact]
    public async Task HandleAsync_WhenGitHubPushesDeployBranch_ShouldReturnBuildRequest()
    {
        var handler = new NormalizeTriggerHandler(new TriggerNormalizer(TriggerSettings.FromDeployBranch("main")));

        var request = await handler.HandleAsync(Event("github-push-main.json"), Context);

        Assert.Equal((PipelineActions.Build, "orders", "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c"), (request.Action, request.Service, request.Commit));
    }

    [Fact]
    public async Task HandleAsync_WhenDeployBranchIsAnother_ShouldReturnNothingToDo()
    {
        var handler = new NormalizeTriggerHandler(new TriggerNormalizer(TriggerSettings.FromDeployBranch("release")));

        var request = await handler.HandleAsync(Event("codecommit-branch-updated.json"), Context);

        Assert.Equal(PipelineActions.None, request.Action);
        Assert.Equal("branch 'main' is not the deploy branch 'release'", request.Reason);
    }

    [Fact]
    public async Task HandleAsync_WhenEventIsMalformed_ShouldThrowInvalidInput()
    {
        var handler = new NormalizeTriggerHandler(new TriggerNormalizer(TriggerSettings.FromDeployBranch(null)));

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => handler.HandleAsync(Event("codecommit-missing-commit.json"), Context));

        Assert.Equal("detail.commitId is required", error.Message);
    }
}
