using Pipeline.Testing.Iam;

namespace Pipeline.Template.Tests;

/// <summary>
/// The roles template.yaml creates, after the SAM transform expands its policy templates, grant
/// exactly the least-privilege table (which tests/Pipeline.StateMachines.Tests checks against the
/// calls that really happen), and nothing mutating on <c>*</c> without a condition.
/// </summary>
public sealed class LeastPrivilegeGrantsTests
{
    private static readonly Lazy<JsonObject> Transformed = new(() =>
        JsonNode.Parse(File.ReadAllText(TemplateTools.Transform(RepositoryRoot.Combine("template.yaml"))))!.AsObject());

    private static JsonObject Copy() => JsonNode.Parse(Transformed.Value.ToJsonString())!.AsObject();

    [Fact]
    public void Roles_OfTheTransformedTemplate_GrantExactlyTheTable()
    {
        var problems = RoleGrants.Differences(Transformed.Value, LeastPrivilegeTable.Roles);

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Differences_WhenANeededActionIsRemoved_NameIt()
    {
        var template = Copy();
        foreach (var statement in Policies(template, "RecordVersionFunctionRole"))
        {
            if (statement["Action"] is JsonArray actions && actions.Any(a => (string?)a == "dynamodb:Query"))
            {
                actions.Remove(actions.First(a => (string?)a == "dynamodb:Query"));
            }
        }

        var problems = RoleGrants.Differences(template, LeastPrivilegeTable.Roles);

        Assert.Contains("RecordVersionFunction: lacks dynamodb:Query, which the table says it needs", problems);
    }

    [Fact]
    public void Differences_WhenABroadActionIsAdded_NameItTwice()
    {
        var template = Copy();
        var document = Policies(template, "ResolveVersionFunctionRole").First().Parent!.AsArray();
        document.Add(new JsonObject { ["Effect"] = "Allow", ["Action"] = new JsonArray("s3:*"), ["Resource"] = "*" });

        var problems = RoleGrants.Differences(template, LeastPrivilegeTable.Roles);

        Assert.Contains("ResolveVersionFunction: grants s3:* on * without a condition", problems);
        Assert.Contains("ResolveVersionFunction: grants s3:*, which is not in its row of the table", problems);
    }

    [Fact]
    public void Differences_WhenAMutatingActionLosesItsCondition_NameIt()
    {
        var template = Copy();
        foreach (var statement in Policies(template, "RetireVersionFunctionRole")
                     .Where(s => s["Action"] is JsonArray a && a.Any(x => (string?)x == "ec2:TerminateInstances")))
        {
            statement.Remove("Condition");
            statement["Resource"] = "*";
        }

        var problems = RoleGrants.Differences(template, LeastPrivilegeTable.Roles);

        Assert.Contains("RetireVersionFunction: grants ec2:TerminateInstances on * without a condition", problems);
    }

    private static IEnumerable<JsonObject> Policies(JsonObject template, string roleId) =>
        template["Resources"]![roleId]!["Properties"]!["Policies"]!.AsArray()
            .SelectMany(p => p!["PolicyDocument"]!["Statement"]!.AsArray())
            .OfType<JsonObject>();
}
