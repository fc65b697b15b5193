using Pipeline.Aws.Fleet;
using Pipeline.Core.Configuration;
using Pipeline.Local.Aws.CloudFormation;

namespace Pipeline.Functions.Tests;

/// <summary>
/// Each function's settings role (what its Program reads at start-up) against the variables
/// template.yaml declares for that function, so the two cannot drift: everything a role reads is
/// declared (or set by Lambda, or a local-only setting), everything a function's own entry declares
/// is read, and a missing required setting is an init error naming it.
/// </summary>
public sealed class FunctionSettingsTests
{
    /// <summary>The settings role of every function, as its Program.cs composes it.</summary>
    private static readonly Dictionary<string, Action<SettingsReader>> Roles = new(StringComparer.Ordinal)
    {
        ["NormalizeTriggerFunction"] = s => TriggerSettings.FromEnvironment(s.Optional(SettingNames.DeployBranch), s.Optional(SettingNames.Region)),
        ["DeployLockFunction"] = s => RegistrySettings.From(s),
        ["RecordVersionFunction"] = s => RecordVersionSettings.From(s),
        ["ResolveVersionFunction"] = s => StackSettings.From(s),
        ["ProvisionTablesFunction"] = s => TableSettings.From(s),
        ["LaunchInstancesFunction"] = s =>
        {
            TableSettings.From(s);
            AuthIssuerSettings.From(s);
            FleetFromEnvironment.LaunchSettings(s);
        },
        ["PublishRoutesFunction"] = s => RoutesSettings.From(s),
        ["RoutesConvergedFunction"] = s => ConvergenceSettings.From(s),
        ["RetireVersionFunction"] = s => StackSettings.From(s),
        ["RollbackFunction"] = s => RoutesSettings.From(s),
        ["ScaleTablesFunction"] = s => RegistrySettings.From(s),
        ["GitHubWebhookFunction"] = s => WebhookFunctionSettings.From(s),
        ["ReportCommitStatusFunction"] = s => CommitStatusFunctionSettings.From(s),
    };

    private static readonly SamTemplate Template = SamTemplate.Load(RepositoryRoot.Combine("template.yaml"));

    public static TheoryData<string> Functions() => [.. Template.Functions.Select(f => f.LogicalId)];

    [Fact]
    public void Roles_ShouldCoverExactlyTheTemplatesFunctions()
    {
        Assert.Equal(Template.Functions.Select(f => f.LogicalId).Order(), Roles.Keys.Order());
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void Role_WhenGivenTheTemplateEnvironment_ShouldReadOnlyDeclaredVariablesAndEveryOneOfItsOwn(string logicalId)
    {
        var (environment, reader) = ReadRole(logicalId);


        // Set by Lambda, local-only, or optional with a default the template does not override
        // (PIPELINE_ROUTER_MISSED_POLLS: RoutesConverged counts a router gone after 3 missed polls).
        string[] notFromTemplate = [SettingNames.Region, "AWS_DEFAULT_REGION", SettingNames.RouterBind, SettingNames.ComposerPort, SettingNames.RouterMissedPolls,
            SettingNames.GitHubApiUrl, SettingNames.ExecutionLinkPrefix];
        Assert.Empty(reader.Read.Except(environment.Keys).Except(notFromTemplate));
        Assert.Empty(OwnVariables(logicalId).Except(reader.Read));
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void Role_WhenARequiredVariableIsMissing_ShouldFailNamingIt(string logicalId)
    {
        var (environment, reader) = ReadRole(logicalId);

        var failures = 0;
        foreach (var name in reader.Read.Where(n => n.StartsWith("PIPELINE_", StringComparison.Ordinal)))
        {
            var without = new Dictionary<string, string>(environment);
            without.Remove(name);
            var error = Record.Exception(() => Roles[logicalId](new SettingsReader(without.GetValueOrDefault)));
            if (error is not null)
            {
                failures++;
                Assert.Equal(name, Assert.IsType<SettingInvalidException>(error).Name);
            }
        }

        // NormalizeTrigger alone has no required setting: the deploy branch defaults to main.
        Assert.True(failures > 0 || logicalId == "NormalizeTriggerFunction", $"{logicalId} reads no required setting");
    }

    [Fact]
    public void WholeNumber_WhenMalformed_ShouldFailNamingTheVariableAndValue()
    {
        var error = Assert.Throws<SettingInvalidException>(() => ConvergenceSettings.From(new SettingsReader(name => name switch
        {
            SettingNames.RoutesBucket => "routes",
            SettingNames.MinRouters => "two",
            _ => null,
        })));

        Assert.Equal(SettingNames.MinRouters, error.Name);
        Assert.Contains("'two'", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The function's template environment, and what its role read from it.</summary>
    private static (Dictionary<string, string> Environment, SettingsReader Reader) ReadRole(string logicalId)
    {
        var environment = Environment(logicalId);
        var reader = new SettingsReader(environment.GetValueOrDefault);
        Roles[logicalId](reader);
        return (environment, reader);
    }

    private static Dictionary<string, string> Environment(string logicalId) =>
        new(Template.Function(logicalId).Environment) { [SettingNames.Region] = "us-east-1" };

    /// <summary>The variables this function's own entry declares: those not every function gets from Globals.</summary>
    private static IEnumerable<string> OwnVariables(string logicalId)
    {
        var everyone = Template.Functions.Select(f => f.Environment.Keys).Aggregate((a, b) => a.Intersect(b).ToList());
        return Template.Function(logicalId).Environment.Keys.Except(everyone);
    }
}
