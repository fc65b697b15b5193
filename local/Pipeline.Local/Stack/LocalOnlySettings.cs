using Pipeline.Aws.Fleet;
using Pipeline.Core.Configuration;
using Pipeline.Core.Time;

namespace Pipeline.Local.Stack;

/// <summary>One setting the local stack gives functions that template.yaml does not.</summary>
/// <param name="WithoutIt">What a function does when the setting is absent, as on AWS.</param>
internal sealed record LocalOnlySetting(string Name, string Purpose, string WithoutIt);

/// <summary>
/// The one list of settings the local stack adds to a function's environment beyond its template
/// variables, the variables Lambda sets and the SDK's <c>AWS_ENDPOINT_URL_*</c>. Each is optional
/// and absent on AWS, where a function does without it (tests/Pipeline.Functions.Tests
/// TemplateEnvironmentTests starts every function so). README.md ("What a function is given")
/// shows the same table.
/// </summary>
internal static class LocalOnlySettings
{
    public static IReadOnlyList<LocalOnlySetting> All { get; } =
    [
        new(FleetFromEnvironment.EndpointVariable,
            "where LaunchInstances, RetireVersion and Rollback reach the local process fleet (the stack's control endpoint)",
            "EC2 in `AWS_REGION`: RunInstances from `PIPELINE_LAUNCH_TEMPLATE_ID`, DescribeInstances, TerminateInstances"),
        new(RegistryRoutesPublisherFromEnvironment.RouterBindVariable,
            "the address the published HAProxy front end binds (`127.0.0.1` locally)",
            "`*`, every address"),
        new(SettingNames.GitHubApiUrl,
            "where ReportCommitStatus posts commit statuses: the stack's GitHub stand-in (`/github/` of the control endpoint)",
            "`https://api.github.com`"),
        new(SettingNames.ExecutionLinkPrefix,
            "what a commit status links a run with: the control endpoint's `/executions/` page followed by the execution ARN",
            "the Step Functions console page of the execution"),
        new(RegistryRoutesPublisherFromEnvironment.ComposerPortVariable,
            "the composer's loopback port in the published HAProxy config, its calls frontend on the next one (two adjacent free ports locally)",
            "8091 and 8092"),
        new(ScaledTimeProvider.OriginVariable,
            "`up --time-scale N`: the instant (Unix ms) the scaled clock starts from",
            "real time"),
        new(ScaledTimeProvider.ScaleVariable,
            "`up --time-scale N`: how many times faster than real time the clock runs",
            "real time"),
    ];

    /// <summary>The stack's values: the fleet endpoint (the control endpoint, which also serves the GitHub stand-in and
    /// the execution pages), the router's bind always, the clock when it is scaled.</summary>
    public static IReadOnlyDictionary<string, string> Values(Uri fleetEndpoint, string routerBind, ScaledTimeProvider? clock, int? composerPort = null)
    {
        ArgumentNullException.ThrowIfNull(fleetEndpoint);
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [FleetFromEnvironment.EndpointVariable] = fleetEndpoint.ToString().TrimEnd('/'),
            [RegistryRoutesPublisherFromEnvironment.RouterBindVariable] = routerBind,
            [SettingNames.GitHubApiUrl] = new Uri(fleetEndpoint, LocalGitHubApi.Path + "/").ToString(),
            [SettingNames.ExecutionLinkPrefix] = new Uri(fleetEndpoint, ExecutionPages.Path + "/").ToString(),
        };
        if (composerPort is { } port)
        {
            values[RegistryRoutesPublisherFromEnvironment.ComposerPortVariable] = port.ToString(CultureInfo.InvariantCulture);
        }

        foreach (var (name, value) in clock?.ToSettings() ?? new Dictionary<string, string>())
        {
            values[name] = value;
        }

        return values;
    }

    public static bool Contains(string name) => All.Any(s => s.Name == name);

    /// <summary>
    /// How long a function process may sit idle before the local Lambda service stops it, as Lambda reclaims
    /// idle execution environments (an idle stack otherwise holds every function warm, ~840 MiB). Read by
    /// <c>pipeline up</c> from its own environment, never given to functions; README.md ("Stack settings").
    /// </summary>
    public const string FunctionIdleSecondsVariable = "PIPELINE_FUNCTION_IDLE_SECONDS";

    /// <summary>Five minutes: longer than any wait inside a deploy, so no deploy step starts cold because of it.</summary>
    public static readonly TimeSpan DefaultFunctionIdle = TimeSpan.FromMinutes(5);

    /// <summary>The settings of the stack itself (not given to functions), with their defaults.</summary>
    public static IReadOnlyList<LocalOnlySetting> Stack { get; } =
    [
        new(FunctionIdleSecondsVariable,
            "seconds a function process may serve nothing before `up` stops it (the next invocation starts cold, as on Lambda); `0` keeps every process warm",
            DefaultFunctionIdle.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)),
    ];

    /// <summary>The idle time from <see cref="FunctionIdleSecondsVariable"/>; null (never stop) for 0.</summary>
    public static TimeSpan? FunctionIdle(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var text = environment(FunctionIdleSecondsVariable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return DefaultFunctionIdle;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            throw new StackFailureException(
                $"{FunctionIdleSecondsVariable} must be a whole number of seconds (0 keeps function processes warm), not '{text}'");
        }

        return seconds == 0 ? null : TimeSpan.FromSeconds(seconds);
    }

    /// <summary>The stack settings' table README.md shows.</summary>
    public static string StackMarkdownTable() =>
        "| variable | what it does | default |\n|---|---|---|\n"
        + string.Concat(Stack.Select(s => string.Create(CultureInfo.InvariantCulture, $"| `{s.Name}` | {s.Purpose} | {s.WithoutIt} |\n")));

    /// <summary>The table README.md shows.</summary>
    public static string MarkdownTable() =>
        "| variable | what it does | without it (as on AWS) |\n|---|---|---|\n"
        + string.Concat(All.Select(s => string.Create(CultureInfo.InvariantCulture, $"| `{s.Name}` | {s.Purpose} | {s.WithoutIt} |\n")));
}
