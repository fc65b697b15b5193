namespace Pipeline.StateMachines.Tests.Execution;

/// <summary>
/// A dependency that fails for a moment under a real function, mid-deploy: the function reports
/// <c>Pipeline.Transient</c>, the Task retries it and the deploy goes live instead of rolling back.
/// A permanent refusal is not retried.
/// </summary>
[Collection(DeployHarnessDefinition.Name)]
public sealed class TransientRetryTests(DeployHarness harness)
{
    // More faults than the SDK's own attempts within one invocation absorb (S3 3, DynamoDB 11), fewer than
    // the Task's seven attempts of those. Resets and responses cut short are TransientFaultTests' (per function).
    private const int Faults = 12;

    public static TheoryData<string, string, ProxyFault> Cases() => new()
    {
        { "RoutesConvergedFunction", "s3", ProxyFault.ServerError },
        { "RecordVersionFunction", "s3", ProxyFault.Throttled },
        { "DeployLockFunction", "dynamodb", ProxyFault.ServerError },
        { "ProvisionTablesFunction", "dynamodb", ProxyFault.Throttled },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Execute_WhenAFunctionsDependencyFailsTransiently_ShouldRetryAndGoLive(string function, string service, ProxyFault fault)
    {
        var name = DeployServiceExecutionTests.Service(harness);
        var proxy = harness.ProxyOf(function, service);
        var before = proxy.Faulted;
        proxy.FailNext(Faults, fault);
        try
        {
            var run = await harness.RunAsync(DeployServiceExecutionTests.CodeCommitPush(name, DeployServiceExecutionTests.Commit()));

            Assert.True(run.Result.Status == ExecutionStatus.Succeeded, Describe(run));
            Assert.Equal(Faults, proxy.Faulted - before);
            Assert.DoesNotContain("Rollback", run.States);
        }
        finally
        {
            proxy.FailNext(0, fault);
        }
    }

    [Fact]
    public async Task Execute_WhenTheTaskDoesNotRetryPipelineTransient_ShouldFailTheDeploy()
    {
        // The definition as it was: only Lambda's own errors retried. Shows the retrier above is what saves the deploy.
        var name = DeployServiceExecutionTests.Service(harness);
        var proxy = harness.ProxyOf("RecordVersionFunction", "s3");
        proxy.FailNext(Faults, ProxyFault.ServerError);
        try
        {
            var run = await harness.RunAsync(
                DeployServiceExecutionTests.CodeCommitPush(name, DeployServiceExecutionTests.Commit()),
                edit: WithoutTransientRetry);

            Assert.True(run.Result.Status == ExecutionStatus.Failed, Describe(run));
            Assert.Contains("Pipeline.Transient", run.Result.Error + run.Result.Cause, StringComparison.Ordinal);
            Assert.DoesNotContain("LaunchInstances", run.States);
        }
        finally
        {
            proxy.FailNext(0, ProxyFault.ServerError);
        }
    }

    [Fact]
    public async Task Execute_WhenADependencyRefusesPermanently_ShouldFailFastWithoutRetrying()
    {
        var name = DeployServiceExecutionTests.Service(harness);
        var proxy = harness.ProxyOf("RoutesConvergedFunction", "s3");
        var before = proxy.Faulted;
        proxy.FailNext(1000, ProxyFault.AccessDenied);
        try
        {
            var run = await harness.RunAsync(DeployServiceExecutionTests.CodeCommitPush(name, DeployServiceExecutionTests.Commit()));

            Assert.True(run.Result.Status == ExecutionStatus.Failed, Describe(run));
            Assert.Contains("Rollback", run.States);
            Assert.True(proxy.Faulted - before == 1, $"the refusal was tried {proxy.Faulted - before} times");
        }
        finally
        {
            proxy.FailNext(0, ProxyFault.AccessDenied);
        }
    }

    private static void WithoutTransientRetry(JsonObject definition)
    {
        foreach (var (_, state) in definition["States"]!.AsObject())
        {
            if (state!["Retry"] is JsonArray retry)
            {
                foreach (var retrier in retry.OfType<JsonObject>().Where(r => r["ErrorEquals"]!.ToJsonString().Contains("Pipeline.Transient", StringComparison.Ordinal)).ToList())
                {
                    retry.Remove(retrier);
                }
            }
        }
    }

    private string Describe(DeployRun run) =>
        $"{run.Name} ended {run.Result.Status}: {run.Result.Error}: {run.Result.Cause}\nstates: {string.Join(" > ", run.States)}\n" +
        "function log tail:\n" + string.Join('\n', harness.FunctionLog.TakeLast(30));
}
