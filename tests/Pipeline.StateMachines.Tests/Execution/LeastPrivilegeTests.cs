namespace Pipeline.StateMachines.Tests.Execution;

/// <summary>
/// The least-privilege table (tests/Pipeline.Testing/Iam) against what really happens: every real
/// function's calls to DynamoDB and S3, recorded by the proxy each one reaches the emulators
/// through, and every Task of the deploy definition with the actions AWS documents for it.
/// </summary>
[Collection(DeployHarnessDefinition.Name)]
public sealed class LeastPrivilegeTests(DeployHarness harness)
{
    [Fact]
    public async Task RecordedCalls_OfEachRealFunction_AreExactlyItsDynamoDbAndS3RowsOfTheTable()
    {
        // A first deploy and the next commit's, which raises the table's minimum capacity: lock
        // taken and released, labels allocated, a version recorded and resolved with and without a
        // previous one, a table created then updated, routers polled.
        var service = DeployServiceExecutionTests.Service(harness);
        harness.Build.Manifests[service] = WithCapacity(harness.Build.Manifests[service], minRead: 1);
        await DeployAsync(service);
        harness.Build.Manifests[service] = WithCapacity(harness.Build.Manifests[service], minRead: 2);
        await DeployAsync(service);

        var differences = new List<string>();
        foreach (var function in DeployHarness.RealFunctionIds)
        {
            var expected = LeastPrivilegeTable.Roles[function]
                .Where(a => a.StartsWith("dynamodb:", StringComparison.Ordinal) || a.StartsWith("s3:", StringComparison.Ordinal))
                .ToHashSet(StringComparer.Ordinal);
            var recorded = harness.RecordedActions(function)
                .Union(LeastPrivilegeTable.ImpliedByOtherCalls.GetValueOrDefault(function) ?? new HashSet<string>())
                .ToHashSet(StringComparer.Ordinal);
            var missing = recorded.Except(expected).Order(StringComparer.Ordinal).ToList();
            var unused = expected.Except(recorded).Order(StringComparer.Ordinal).ToList();
            if (missing.Count > 0 || unused.Count > 0)
            {
                differences.Add($"{function}: called but not in the table [{string.Join(", ", missing)}]; "
                    + $"in the table but never called [{string.Join(", ", unused)}]");
            }
        }

        Assert.True(differences.Count == 0, string.Join('\n', differences));
    }

    private static string WithCapacity(string manifest, int minRead) => System.Text.RegularExpressions.Regex.Replace(
        manifest, @"capacity: .*", $"capacity: {{ read: {{ min: {minRead}, max: 10 }}, write: {{ min: 1, max: 5 }} }}");

    private async Task DeployAsync(string service)
    {
        var run = await harness.RunAsync(DeployServiceExecutionTests.CodeCommitPush(service, DeployServiceExecutionTests.Commit()));
        Assert.True(run.Result.Status == ExecutionStatus.Succeeded, $"{run.Result.Error}: {run.Result.Cause}");
    }

    [Fact]
    public void TaskResources_OfTheDeployDefinition_NeedExactlyTheStateMachineRowOfTheTable()
    {
        var needed = TaskActions.Of(Definitions.Text("deploy-service.asl.json"));

        var row = LeastPrivilegeTable.Roles["DeployServiceStateMachine"]
            .Where(a => !a.StartsWith("logs:", StringComparison.Ordinal) && !a.StartsWith("xray:", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);
        Assert.Equal(row.Order(StringComparer.Ordinal), needed.Order(StringComparer.Ordinal));
    }
}
