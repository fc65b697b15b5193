using Pipeline.Core.Routing;

namespace Pipeline.Core.Configuration;

// One record per function role: what the function's Program reads at start-up, validated there,
// so a missing or malformed variable is an init error naming it rather than a failure mid-run.

/// <summary>Functions that read and write the registry and nothing else of the template (DeployLock, ScaleTables).</summary>
public sealed record RegistrySettings(string RegistryTable)
{
    public static RegistrySettings From(SettingsReader settings) => new(settings.Required(SettingNames.RegistryTable));
}

/// <summary>Functions that create or look after the services' tables (ProvisionTables).</summary>
public sealed record TableSettings(string RegistryTable, string TablePrefix)
{
    public static TableSettings From(SettingsReader settings) =>
        new(settings.Required(SettingNames.RegistryTable), settings.Required(SettingNames.TablePrefix));
}

/// <summary>RecordVersion: the registry, where artifacts are and the services' table prefix.</summary>
public sealed record RecordVersionSettings(string RegistryTable, string ArtifactBucket, string TablePrefix)
{
    public static RecordVersionSettings From(SettingsReader settings) => new(
        settings.Required(SettingNames.RegistryTable), settings.Required(SettingNames.ArtifactBucket), settings.Required(SettingNames.TablePrefix));
}

/// <summary>Functions that find a version's resources by the stack they belong to (ResolveVersion, RetireVersion).</summary>
public sealed record StackSettings(string RegistryTable, string StackName)
{
    public static StackSettings From(SettingsReader settings) =>
        new(settings.Required(SettingNames.RegistryTable), settings.Required(SettingNames.StackName));
}

/// <summary>Functions that publish routes (PublishRoutes, Rollback): the registry, the routes bucket and the router.</summary>
public sealed record RoutesSettings(string RegistryTable, string StackName, string RoutesBucket, RouterSettings Router)
{
    /// <summary>The value of <c>PIPELINE_ROUTER_USER</c> / <c>_GROUP</c> that keeps haproxy's own user (a router not started as root).</summary>
    public const string KeepUser = "none";

    public static RoutesSettings From(SettingsReader settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new(
            settings.Required(SettingNames.RegistryTable),
            settings.Required(SettingNames.StackName),
            settings.Required(SettingNames.RoutesBucket),
            ReadRouter(settings));
    }

    /// <summary>
    /// Router settings. Workers drop root by default (user and group
    /// <see cref="RouterSettings.DefaultRouterUser"/>, as Debian's haproxy package runs them);
    /// <see cref="KeepUser"/> turns that off for a router whose haproxy is not started as root.
    /// </summary>
    public static RouterSettings ReadRouter(SettingsReader settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        string? RunAs(string name) => settings.Optional(name) switch
        {
            null => RouterSettings.DefaultRouterUser,
            KeepUser => null,
            var value => value,
        };

        var composer = settings.WholeNumber(SettingNames.ComposerPort, minimum: 1, fallback: RouterSettings.Default.ComposerPort, maximum: 65534);
        return new RouterSettings(
            settings.Optional(SettingNames.RouterBind) ?? "*",
            settings.WholeNumber(SettingNames.RouterPort, minimum: 1),
            settings.Required(SettingNames.RouterRuntimeSocket),
            User: RunAs(SettingNames.RouterUser),
            Group: RunAs(SettingNames.RouterGroup),
            ComposerPort: composer,
            ComposerCallsPort: composer + 1);
    }
}

/// <summary>
/// RoutesConverged: where routers report, how many must (a fleet has at least one), and how many of
/// its poll intervals a router may stay silent before it no longer counts (replaced, scaled in).
/// </summary>
public sealed record ConvergenceSettings(string RoutesBucket, int MinRouters, int MissedPolls)
{
    public static ConvergenceSettings From(SettingsReader settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new(
            settings.Required(SettingNames.RoutesBucket),
            settings.WholeNumber(SettingNames.MinRouters, minimum: 1, fallback: 1),
            settings.WholeNumber(SettingNames.RouterMissedPolls, minimum: 2, fallback: Deploy.RouterLiveness.DefaultMissedPolls, maximum: 100));
    }
}

/// <summary>
/// GitHubWebhook: the owner whose pushes count (empty, the template's default, refuses every push
/// with 403), the deploy branch, the webhook secret and the state machine a push starts.
/// </summary>
public sealed record WebhookFunctionSettings(string GitHubOwner, string DeployBranch, string WebhookSecretArn, string DeployStateMachineArn)
{
    public static WebhookFunctionSettings From(SettingsReader settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new(
            settings.Optional(SettingNames.GitHubOwner) ?? "",
            settings.Required(SettingNames.DeployBranch),
            settings.Required(SettingNames.WebhookSecretArn),
            settings.Required(SettingNames.DeployStateMachineArn));
    }
}
