using Pipeline.Core.CommitStatuses;

namespace Pipeline.Core.Tests.CommitStatuses;

/// <summary>Which execution status changes become which GitHub commit status, and what is never posted.</summary>
public sealed class CommitStatusReporterTests
{
    private const string Machine = "arn:aws:states:eu-west-1:123456789012:stateMachine:DeployService";
    private const string Execution = "arn:aws:states:eu-west-1:123456789012:execution:DeployService:github-orders-0000-0d1a";
    private const string After = "0D1A26E67D8F5EAF1F6BA5C57FC3C7D91AC0FD1C";
    private readonly RecordingStatuses posted = new();
    private readonly FixedExecutionStatus described = new();

    private CommitStatusReporter Reporter(string owner = "acme", string? linkPrefix = null) =>
        new(new CommitStatusSettings(owner, "pipeline", Machine, linkPrefix), posted, described);

    private static string GitHubInput(string repository = "orders", string source = "github.com", string after = After) =>
        JsonSerializer.Serialize(new GitHubTrigger("72d3162e-cc78-11e3-81ab-4c9367dc0958", source, "push",
            new GitHubPush("refs/heads/main", after, false, new GitHubRepository(repository, $"https://github.com/acme/{repository}.git"))),
            CommitStatusJson.Default.GitHubTrigger);

    private static EventEnvelope<ExecutionStatusChange> Change(string status, string? input = null, string machine = Machine, string? error = null, string? cause = null) =>
        new("aws.states", "Step Functions Execution Status Change", "eu-west-1",
            new ExecutionStatusChange(Execution, machine, Execution.Split(':')[^1], status, input ?? GitHubInput(), error, cause));

    [Fact]
    public async Task Report_WhenAGitHubRunStarts_ShouldPostPendingOnThePushedCommitOfTheConfiguredOwner()
    {
        described.Status = "RUNNING";

        var report = await Reporter().ReportAsync(Change("RUNNING"), CancellationToken.None);

        var (commit, status) = Assert.Single(posted.Posted);
        Assert.True(report.Posted, report.Reason);
        Assert.Equal(new CommitRef("acme", "orders", After.ToLowerInvariant()), commit);
        Assert.Equal(CommitStatus.Pending, status.State);
        Assert.Equal("deploy/pipeline", status.Context);
        Assert.Equal($"https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/{Execution}", status.TargetUrl);
    }

    [Theory]
    [InlineData("SUCCEEDED", "success")]
    [InlineData("FAILED", "failure")]
    [InlineData("TIMED_OUT", "failure")]
    [InlineData("ABORTED", "error")]
    public async Task Report_WhenAGitHubRunEnds_ShouldPostItsOutcomeWithTheRunsLink(string executionStatus, string state)
    {
        var report = await Reporter(linkPrefix: "http://127.0.0.1:9/executions/").ReportAsync(
            Change(executionStatus, error: executionStatus == "SUCCEEDED" ? null : "Pipeline.BuildFailed", cause: "npm test exited 1"), CancellationToken.None);

        var (_, status) = Assert.Single(posted.Posted);
        Assert.Equal(state, report.State);
        Assert.Equal(state, status.State);
        Assert.Equal("http://127.0.0.1:9/executions/" + Uri.EscapeDataString(Execution), status.TargetUrl);
        if (state != "success")
        {
            Assert.Contains("Pipeline.BuildFailed: npm test exited 1", status.Description, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Report_WhenTheCauseIsLong_ShouldCutTheDescriptionToGitHubsLimit()
    {
        await Reporter().ReportAsync(Change("FAILED", error: "States.TaskFailed", cause: new string('x', 500)), CancellationToken.None);

        var description = Assert.Single(posted.Posted).Status.Description;
        Assert.Equal(CommitStatus.DescriptionMax, description.Length);
        Assert.EndsWith("...", description, StringComparison.Ordinal);
    }

    public static TheoryData<string, string?> NotGitHubRuns() => new()
    {
        { "a CodeCommit run", """{"source":"aws.codecommit","detail-type":"CodeCommit Repository State Change","detail":{}}""" },
        { "a manual run", """{"service":"orders","commit":"0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c"}""" },
        { "a repository name the grammar refuses", GitHubInput(repository: "../etc") },
        { "not a commit", GitHubInput(after: "main") },
        { "input left out of the event", null },
        { "not JSON", "{" },
    };

    [Theory]
    [MemberData(nameof(NotGitHubRuns))]
    public async Task Report_WhenTheRunWasNotStartedByAGitHubPush_ShouldPostNothing(string why, string? input)
    {
        var change = Change("RUNNING") with { Detail = Change("RUNNING").Detail! with { Input = input } };

        var report = await Reporter().ReportAsync(change, CancellationToken.None);

        Assert.False(report.Posted, why);
        Assert.Empty(posted.Posted);
    }

    [Fact]
    public async Task Report_WhenTheEventIsAboutAnotherMachineOrNoOwnerIsSet_ShouldPostNothing()
    {
        var other = await Reporter().ReportAsync(Change("SUCCEEDED", machine: Machine + "-other"), CancellationToken.None);
        var noOwner = await Reporter(owner: "").ReportAsync(Change("SUCCEEDED"), CancellationToken.None);
        var notStates = await Reporter().ReportAsync(Change("SUCCEEDED") with { Source = "github.com" }, CancellationToken.None);

        Assert.False(other.Posted || noOwner.Posted || notStates.Posted);
        Assert.Empty(posted.Posted);
    }

    /// <summary>A pending that arrives after the run ended keeps the final status; a status GitHub refuses is a reason, not an exception.</summary>
    [Theory]
    [InlineData("RUNNING", "SUCCEEDED", null, "already ended")]
    [InlineData("SUCCEEDED", "RUNNING", "401 Bad credentials", "401 Bad credentials")]
    public async Task Report_WhenTheStatusCannotOrMustNotBePosted_ShouldSayWhyWithoutThrowing(
        string changeStatus, string describedStatus, string? refusal, string reason)
    {
        described.Status = describedStatus;
        posted.Refusal = refusal;

        var report = await Reporter().ReportAsync(Change(changeStatus), CancellationToken.None);

        Assert.False(report.Posted);
        Assert.Contains(reason, report.Reason, StringComparison.Ordinal);
        Assert.Empty(posted.Posted);
    }

    [Fact]
    public async Task Report_WhenGitHubIsUnreachable_ShouldFailSoTheInvocationIsRetried()
    {
        posted.Unavailable = true;

        await Assert.ThrowsAsync<CommitStatusUnavailableException>(() => Reporter().ReportAsync(Change("SUCCEEDED"), CancellationToken.None));
    }

    private sealed class RecordingStatuses : ICommitStatuses
    {
        public List<(CommitRef Commit, CommitStatus Status)> Posted { get; } = [];

        public string? Refusal { get; set; }

        public bool Unavailable { get; set; }

        public Task PostAsync(CommitRef commit, CommitStatus status, CancellationToken cancellationToken)
        {
            if (Unavailable)
            {
                throw new CommitStatusUnavailableException("GitHub answered 502");
            }

            if (Refusal is not null)
            {
                throw new CommitStatusRefusedException(Refusal);
            }

            Posted.Add((commit, status));
            return Task.CompletedTask;
        }
    }

    private sealed class FixedExecutionStatus : IExecutionStatuses
    {
        public string? Status { get; set; } = "RUNNING";

        public Task<string?> GetStatusAsync(string executionArn, CancellationToken cancel = default) => Task.FromResult(Status);
    }
}
