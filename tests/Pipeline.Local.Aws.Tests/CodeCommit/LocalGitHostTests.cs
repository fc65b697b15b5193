namespace Pipeline.Local.Aws.Tests.CodeCommit;

public sealed class LocalGitHostTests : IDisposable
{
    private const string Zero = "0000000000000000000000000000000000000000";
    private readonly TempDirectory _temp = new();
    private readonly LocalGitHost _host;
    private readonly List<ReferenceChange> _delivered = [];

    public LocalGitHostTests() => _host = new LocalGitHost(_temp.Combine("state"));

    public void Dispose() => _temp.Dispose();

    private Task<IReadOnlyList<ReferenceChange>> DrainAsync() =>
        _host.DrainAsync((change, _) =>
        {
            _delivered.Add(change);
            return Task.CompletedTask;
        });

    private async Task<WorkingCopy> CloneAsync(string name) =>
        await WorkingCopy.CloneAsync(await _host.CreateRepositoryAsync(name), _temp.Combine("work-" + name));

    [Fact]
    public async Task Push_WhenBranchIsNew_ShouldQueueReferenceCreatedWithTheCommit()
    {
        var work = await CloneAsync("orders");
        var commit = await work.CommitAsync("first", new Dictionary<string, string> { ["a.txt"] = "1" });

        await work.GitAsync("push", "--quiet", "origin", "main");
        var changes = await DrainAsync();

        var change = Assert.Single(changes);
        Assert.Equal(new ReferenceChange("orders", Zero, commit, "refs/heads/main"), change);
        Assert.Empty(Directory.GetFiles(_host.Inbox));
    }

    [Fact]
    public async Task Push_WhenBranchAdvancesOrIsDeleted_ShouldCarryOldAndNewCommits()
    {
        var work = await CloneAsync("orders");
        var first = await work.CommitAsync("first", new Dictionary<string, string> { ["a.txt"] = "1" });
        await work.GitAsync("push", "--quiet", "origin", "main");
        await work.GitAsync("push", "--quiet", "origin", "main:feature");
        var second = await work.CommitAsync("second", new Dictionary<string, string> { ["a.txt"] = "2" });

        await work.GitAsync("push", "--quiet", "origin", "main");
        await work.GitAsync("push", "--quiet", "origin", "--delete", "feature");
        var changes = await DrainAsync();

        Assert.Equal(
            [
                new ReferenceChange("orders", Zero, first, "refs/heads/main"),
                new ReferenceChange("orders", Zero, first, "refs/heads/feature"),
                new ReferenceChange("orders", first, second, "refs/heads/main"),
                new ReferenceChange("orders", first, Zero, "refs/heads/feature"),
            ],
            changes);
    }

    [Fact]
    public async Task Push_WhenSeveralRefsGoInOnePush_ShouldQueueEachOne()
    {
        var work = await CloneAsync("orders");
        var commit = await work.CommitAsync("first", new Dictionary<string, string> { ["a.txt"] = "1" });
        await work.GitAsync("tag", "v1");

        await work.GitAsync("push", "--quiet", "origin", "main", "v1");
        var changes = await DrainAsync();

        Assert.Equal(2, changes.Count);
        Assert.Contains(new ReferenceChange("orders", Zero, commit, "refs/tags/v1"), changes);
    }

    [Fact]
    public async Task Push_WhenStackIsNotRunning_ShouldStillSucceedAndDeliverLater()
    {
        var work = await CloneAsync("orders");
        await work.CommitAsync("first", new Dictionary<string, string> { ["a.txt"] = "1" });
        await work.GitAsync("push", "--quiet", "origin", "main");

        var restarted = new LocalGitHost(_temp.Combine("state"));
        var changes = await restarted.DrainAsync((_, _) => Task.CompletedTask);

        Assert.Single(changes);
    }

    [Fact]
    public async Task Drain_WhenDeliveryFails_ShouldKeepThePushWithTheError()
    {
        var work = await CloneAsync("orders");
        await work.CommitAsync("first", new Dictionary<string, string> { ["a.txt"] = "1" });
        await work.GitAsync("push", "--quiet", "origin", "main");

        await _host.DrainAsync((_, _) => throw new InvalidOperationException("bus unavailable"));

        var kept = Assert.Single(Directory.GetFiles(_host.Failed, "*.push"));
        Assert.Contains("bus unavailable", await File.ReadAllTextAsync(kept + ".error"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WhenPushArrives_ShouldDeliverACodeCommitEventToTheTemplateRule()
    {
        var stack = new StackContext();
        var template = SamTemplate.Load(Fixture.Path("templates", "full.yaml"));
        var started = new ConcurrentQueue<(string Arn, JsonNode? Input)>();
        var bus = new LocalEventBus(stack, new Invoker(started));
        foreach (var rule in template.Rules.Where(r => !r.IsSchedule))
        {
            bus.PutRule(rule);
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var run = _host.RunAsync(GitPushes.ToBus(bus, stack), TimeSpan.FromSeconds(5), cts.Token);
        var work = await CloneAsync("orders");
        var commit = await work.CommitAsync("first", new Dictionary<string, string> { ["a.txt"] = "1" });
        await work.GitAsync("push", "--quiet", "origin", "main");

        while (started.IsEmpty && !cts.IsCancellationRequested)
        {
            await Task.Delay(20, cts.Token);
        }

        await cts.CancelAsync();
        await run;
        var (arn, input) = Assert.Single(started);
        Assert.Equal(template.StateMachine("DeployServiceStateMachine").Arn, arn);
        Assert.Equal("referenceCreated", input!["detail"]!["event"]!.GetValue<string>());
        Assert.Equal(commit, input["detail"]!["commitId"]!.GetValue<string>());
        Assert.Equal("orders", input["detail"]!["repositoryName"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("name with space")]
    [InlineData("orders.git")]
    [InlineData("")]
    public async Task CreateRepository_WhenNameIsInvalid_ShouldRefuseIt(string name)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _host.CreateRepositoryAsync(name));

        Assert.Contains("repository name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateRepository_WhenCalledTwice_ShouldKeepTheHistory()
    {
        var work = await CloneAsync("orders");
        var commit = await work.CommitAsync("first", new Dictionary<string, string> { ["a.txt"] = "1" });
        await work.GitAsync("push", "--quiet", "origin", "main");

        await _host.CreateRepositoryAsync("orders");

        Assert.Equal(["orders"], _host.Repositories);
        var head = await Pipeline.Local.Aws.Processes.CommandRunner.RunCheckedAsync(
            "git", ["--git-dir", _host.RepositoryPath("orders"), "rev-parse", "main"]);
        Assert.Equal(commit, head.Trim());
    }

    private sealed class Invoker(ConcurrentQueue<(string, JsonNode?)> calls) : IEventTargetInvoker
    {
        public Task InvokeAsync(string targetArn, JsonNode? input, CancellationToken cancellationToken)
        {
            calls.Enqueue((targetArn, input));
            return Task.CompletedTask;
        }
    }
}
