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
