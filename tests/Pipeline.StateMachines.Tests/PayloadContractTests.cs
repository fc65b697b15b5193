using System.Text.Json.Serialization.Metadata;
using Pipeline.Functions.DeployLock;
using Pipeline.Functions.LaunchInstances;
using Pipeline.Functions.ProvisionTables;
using Pipeline.Functions.PublishRoutes;
using Pipeline.Functions.RecordVersion;
using Pipeline.Functions.ResolveVersion;
using Pipeline.Functions.RetireVersion;
using Pipeline.Functions.Rollback;
using Pipeline.Functions.RoutesConverged;

namespace Pipeline.StateMachines.Tests;

/// <summary>
/// The deploy machine and the functions it calls agree on field names: every Payload field is a
/// property of the function's input record, every required input property is given, and every
/// field a ResultSelector picks from $.Payload exists in the function's output record.
/// </summary>
public sealed class PayloadContractTests
{
    public static TheoryData<string> Placeholders => new()
    {
        "DeployLockFunctionArn",
        "ResolveVersionFunctionArn",
        "RoutesConvergedFunctionArn",
        "RecordVersionFunctionArn",
        "ProvisionTablesFunctionArn",
        "LaunchInstancesFunctionArn",
        "PublishRoutesFunctionArn",
        "RetireVersionFunctionArn",
        "RollbackFunctionArn",
    };

    [Theory]
    [MemberData(nameof(Placeholders))]
    public void DeployMachine_WhenCallingTheFunction_ShouldMatchItsRecords(string placeholder)
    {
        var (input, output) = Contract(placeholder);
        var calls = DefinitionRulesTests.Tasks("deploy-service.asl.json")
            .Where(t => (string?)t.State["Parameters"]?["FunctionName"] == "${" + placeholder + "}")
            .ToList();
        Assert.NotEmpty(calls);

        var problems = new List<string>();
        var inputNames = input.Properties.Select(p => p.Name).ToHashSet();
        var required = input.Properties.Where(p => !IsNullable(p)).Select(p => p.Name).ToHashSet();
        var outputNames = output.Properties.Select(p => p.Name).ToHashSet();
        foreach (var (name, state) in calls)
        {
            var payload = state["Parameters"]!["Payload"]!.AsObject().Select(p => p.Key.Replace(".$", "", StringComparison.Ordinal)).ToHashSet();
            problems.AddRange(payload.Except(inputNames).Select(f => $"{name}: payload field '{f}' is not in {input.Type.Name}"));
            problems.AddRange(required.Except(payload).Select(f => $"{name}: required field '{f}' of {input.Type.Name} is not given"));
            foreach (var path in (state["ResultSelector"]?.AsObject() ?? []).Select(p => (string)p.Value!))
            {
                var field = path["$.Payload.".Length..].Split('.')[0];
                if (!outputNames.Contains(field))
                {
                    problems.Add($"{name}: picks '{field}', which {output.Type.Name} does not have");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void ResolvedVersion_WhenSerialized_ShouldWriteTheVersionFieldsFirst()
    {
        var identity = new Pipeline.Core.Registry.VersionIdentity("orders", "1.0.2-0d1a26e", 2, "0d1a26e", "artifacts/a.tgz", "artifacts/service.yaml", "hash");
        var resolved = new Pipeline.Core.Deploy.ResolvedVersion(identity)
        {
            Status = "Recorded",
            Port = 8080,
            Health = new("/health", 5, 2, 2, 3),
            HealthDeadlineSeconds = 40,
            InstanceCount = 2,
            TargetGroupName = "tg-orders-2",
            AlreadyLive = false,
            PreviousLabel = "1.0.1-aaaaaaa",
            PreviousTargetGroupName = "tg-orders-1",
        };

        var json = System.Text.Json.JsonSerializer.Serialize(resolved, ResolveVersionJson.Default.ResolvedVersion);

        const string expected =
            """
            {"service":"orders","label":"1.0.2-0d1a26e","count":2,"commit":"0d1a26e","artifactKey":"artifacts/a.tgz","manifestKey":"artifacts/service.yaml","manifestHash":"hash","status":"Recorded","port":8080,"health":{"path":"/health","intervalSeconds":5,"timeoutSeconds":2,"healthyThreshold":2,"unhealthyThreshold":3},"healthDeadlineSeconds":40,"instanceCount":2,"targetGroupName":"tg-orders-2","alreadyLive":false,"previousLabel":"1.0.1-aaaaaaa","previousTargetGroupName":"tg-orders-1","composite":false}
            """;
        Assert.Equal(
            expected,
            json);
    }

    private static (JsonTypeInfo Input, JsonTypeInfo Output) Contract(string placeholder) => placeholder switch
    {
        "DeployLockFunctionArn" => (DeployLockJson.Default.DeployLockInput, DeployLockJson.Default.DeployLockOutput),
        "ResolveVersionFunctionArn" => (ResolveVersionJson.Default.ResolveVersionInput, ResolveVersionJson.Default.ResolvedVersion),
        "RoutesConvergedFunctionArn" => (RoutesConvergedJson.Default.RoutesConvergedInput, RoutesConvergedJson.Default.ConvergenceResult),
        "RecordVersionFunctionArn" => (RecordVersionJson.Default.RecordVersionInput, RecordVersionJson.Default.RecordVersionOutput),
        "ProvisionTablesFunctionArn" => (ProvisionTablesJson.Default.ProvisionTablesInput, ProvisionTablesJson.Default.ProvisionTablesOutput),
        "LaunchInstancesFunctionArn" => (LaunchInstancesJson.Default.LaunchInstancesInput, LaunchInstancesJson.Default.LaunchInstancesOutput),
        "PublishRoutesFunctionArn" => (PublishRoutesJson.Default.PublishRoutesInput, PublishRoutesJson.Default.PublishRoutesOutput),
        "RetireVersionFunctionArn" => (RetireVersionJson.Default.RetireVersionInput, RetireVersionJson.Default.RetireVersionOutput),
        "RollbackFunctionArn" => (RollbackJson.Default.RollbackInput, RollbackJson.Default.RollbackOutput),
        _ => throw new ArgumentOutOfRangeException(nameof(placeholder), placeholder, null),
    };

    private static bool IsNullable(JsonPropertyInfo property) =>
        !property.PropertyType.IsValueType ? property.IsSetNullable : Nullable.GetUnderlyingType(property.PropertyType) is not null;
}
