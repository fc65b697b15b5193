using Amazon.Runtime;
using Pipeline.Aws.Registry;
using Pipeline.Aws.StepFunctions;
using Pipeline.Core.Deploy;
using Pipeline.Core.Errors;

namespace Pipeline.Local.Tests;

/// <summary>
/// The deploy lock as the stack runs it: the registry in dynalite, the holder's status read with the
/// signed DescribeExecution client from the local Step Functions API over HTTP, and `pipeline unlock`.
/// </summary>
public sealed class DeployLockTakeoverTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private const string Holder = """
        {"StartAt":"Deploying","States":{"Deploying":{"Type":"Wait","Seconds":600,"Next":"Done"},"Done":{"Type":"Succeed"}}}
        """;

    private const string Failing = """
        {"StartAt":"Broken","States":{"Broken":{"Type":"Fail","Error":"Pipeline.TargetsUnhealthy","Cause":"never healthy"}}}
        """;

    private readonly EmulatorFixture _emulators = new();
    private readonly string _state = Directory.CreateTempSubdirectory("lock-").FullName;
    private readonly HttpClient _http = new();
    private StepFunctionsService _service = null!;
    private LoopbackServer _app = null!;
    private DynamoDbRegistry _registry = null!;
    private DeployLock _locks = null!;

    public async Task InitializeAsync()
    {
        await _emulators.InitializeAsync();
        var table = EmulatorFixture.UniqueName("registry");
        await DynamoDbRegistry.EnsureTableAsync(_emulators.DynamoDb, table);
        _registry = new DynamoDbRegistry(_emulators.DynamoDb, table);

        _service = new StepFunctionsService(new StatesEngine(new EngineOptions { WaitTimeScale = 1 }), new ExecutionJournal(Path.Combine(_state, "executions")));
        _app = await LoopbackServer.StartAsync(app => app.MapStepFunctionsApi(_service));

        var credentials = new ImmutableCredentials("S3RVER", "S3RVER", null);
        var client = new StepFunctionsClient(StepFunctionsClient.Service.At(_http, "us-east-1", new Uri(_app.Url + "/"), _ => Task.FromResult(credentials)));
        _locks = new DeployLock(_registry, new StepFunctionsExecutionStatuses(client));
        StackFile.Write(new StackLayout(_state), Environment.ProcessId,
            new() { ["dynamodb"] = _emulators.DynamoDbEndpoint.ToString(), ["stepfunctions"] = _app.Url }, "artifacts", table, "pipeline-test");
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _service.DisposeAsync();
        await _emulators.DisposeAsync();
        Directory.Delete(_state, recursive: true);
    }

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Acquire_WhileTheHolderRuns_ShouldWait_AndOnceItIsStopped_ShouldTakeItOver()
    {
        var holder = Start(Holder);
        var contender = Start(Holder);
        await _locks.AcquireAsync("orders", holder, Hour);

        var waiting = await Assert.ThrowsAsync<LockHeldException>(() => _locks.AcquireAsync("orders", contender, Hour));
        Assert.EndsWith("it is RUNNING", waiting.Message, StringComparison.Ordinal);

        await _service.StopExecutionAsync(holder);
        var lease = await _locks.AcquireAsync("orders", contender, Hour);

        Assert.Equal((contender, holder), (lease.Owner, lease.TakenOverFrom));
        Assert.Equal(contender, (await _registry.GetLockAsync("deploy/orders"))!.Owner);
    }

    [Fact]
    public async Task Acquire_WhenTheHolderFailed_ShouldTakeItOver()
    {
        var holder = Start(Failing);
        await _locks.AcquireAsync("orders", holder, Hour);
        await WaitUntilEndedAsync(holder);
        var contender = Start(Holder);

        var lease = await _locks.AcquireAsync("orders", contender, Hour);

        Assert.Equal((contender, holder), (lease.Owner, lease.TakenOverFrom));
    }

    [Fact]
    public async Task Acquire_WhenTheHolderIsUnknownToStepFunctions_ShouldNotTakeItOver()
    {
        const string ghost = "arn:aws:states:us-east-1:123456789012:execution:gone:ghost";
        await _locks.AcquireAsync("orders", ghost, Hour);

        var error = await Assert.ThrowsAsync<LockHeldException>(() => _locks.AcquireAsync("orders", Start(Holder), Hour));

        Assert.Contains("knows no such execution", error.Message, StringComparison.Ordinal);
        Assert.Equal(ghost, (await _registry.GetLockAsync("deploy/orders"))!.Owner);
    }

    [Fact]
    public async Task Unlock_WhenHeld_ShouldBreakTheLockAndRecordWhoWhyAndWhen()
    {
        var holder = Start(Holder);
        await _locks.AcquireAsync("orders", holder, Hour);
        var output = new StringWriter();

        var exit = await UnlockCommand.RunAsync(_state, "orders", "holder stuck in a 10-minute wait", "ops@box", output, CancellationToken.None);

        Assert.Equal(0, exit);
        Assert.Null(await _registry.GetLockAsync("deploy/orders"));
        var record = Assert.Single(await _registry.ListLockBreaksAsync("deploy/orders"));
        Assert.Equal((holder, "ops@box", "holder stuck in a 10-minute wait"), (record.Owner, record.By, record.Reason));
        Assert.Contains($"held by {holder}", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("that execution is RUNNING", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unlock_WhenNotHeld_ShouldFailAndRecordNothing()
    {
        var exit = await UnlockCommand.RunAsync(_state, "orders", "just in case", "ops@box", TextWriter.Null, CancellationToken.None);

        Assert.Equal(1, exit);
        Assert.Empty(await _registry.ListLockBreaksAsync("deploy/orders"));
    }

    [Theory]
    [InlineData("orders", "")]
    [InlineData("orders", "line one\nline two")]
    [InlineData("Orders/../x", "a reason")]
    public async Task Unlock_WhenServiceOrReasonIsBad_ShouldFailAndChangeNothing(string service, string reason)
    {
        var holder = Start(Holder);
        await _locks.AcquireAsync("orders", holder, Hour);

        var exit = await UnlockCommand.RunAsync(_state, service, reason, "ops@box", TextWriter.Null, CancellationToken.None);

        Assert.Equal(1, exit);
        Assert.Equal(holder, (await _registry.GetLockAsync("deploy/orders"))!.Owner);
        Assert.Empty(await _registry.ListLockBreaksAsync("deploy/orders"));
    }

    private string Start(string definition)
    {
        var machine = _service.CreateStateMachine("m-" + Guid.NewGuid().ToString("N")[..8], definition);
        return _service.StartExecution(machine.Arn).ExecutionArn;
    }

    private async Task WaitUntilEndedAsync(string execution)
    {
        for (var i = 0; i < 100 && _service.DescribeExecution(execution).Status == ExecutionStatus.Running; i++)
        {
            await Task.Delay(50);
        }

        Assert.NotEqual(ExecutionStatus.Running, _service.DescribeExecution(execution).Status);
    }
}
