using Pipeline.Core.Labels;

namespace Pipeline.Core.Manifest;

/// <summary>
/// A service's <c>service.yaml</c>, parsed, checked and with every default filled in: what the
/// pipeline needs to build, label, provision, deploy, health-check and route one service.
/// Build it with <see cref="ManifestParser"/>; a value of this type is always valid.
/// </summary>
/// <param name="Name">DNS-safe service name: lower-case letters, digits and '-', at most 32 characters (an ELBv2 target-group name).</param>
/// <param name="Port">The port an instance listens on (also passed to it as <c>PORT</c>).</param>
/// <param name="Health">How target groups and the router decide an instance is healthy.</param>
/// <param name="VersionPath">Path answering the running version's label (default <c>/version</c>).</param>
/// <param name="Routes">What traffic the router sends to this service.</param>
/// <param name="Instances">How many instances run and how many must stay healthy during a deploy.</param>
/// <param name="Label">The version label template, e.g. <c>1.4.${COUNT}-${git[:7]}</c>.</param>
/// <param name="Build">How the test stage builds the service and what it keeps as the artifact; null for a composite service.</param>
/// <param name="Start">Command that starts an instance from the unpacked artifact (default <c>npm start</c>).</param>
/// <param name="Env">Environment variables given to every instance, with the values written in the manifest.</param>
/// <param name="Tables">The DynamoDB tables the service owns.</param>
public sealed record ServiceManifest(
    string Name,
    int Port,
    HealthCheck Health,
    string VersionPath,
    IReadOnlyList<Route> Routes,
    InstancePolicy Instances,
    LabelTemplate Label,
    BuildSettings? Build,
    string Start,
    IReadOnlyDictionary<string, string> Env,
    IReadOnlyList<TableSpec> Tables)
{
    /// <summary>
    /// Environment variables whose values each instance reads at start from SSM Parameter Store
    /// (<c>env: { DB_PASSWORD: { ssm: db-password } }</c>); their names are distinct from <see cref="Env"/>'s.
    /// </summary>
    public IReadOnlyDictionary<string, SecretReference> Secrets { get; init; } = new Dictionary<string, SecretReference>();

    /// <summary>The <c>auth:</c> section: the audience tokens must name and the scopes routes need; null when absent.</summary>
    public AuthSettings? Auth { get; init; }

    /// <summary>The <c>compose:</c> section: requests the composer answers by calling several services.</summary>
    public IReadOnlyList<Compose.Composition> Compositions { get; init; } = [];

    /// <summary>
    /// A service made only of compositions (<c>compose:</c> without <c>build:</c>): no build, no
    /// instances, no tables; a version of it is its manifest.
    /// </summary>
    public bool IsComposite => Build is null;

    /// <summary>
    /// Every route this service claims: its own routes, then each composition's static prefix (on any
    /// host), so two services can never claim one path either way.
    /// </summary>
    public IReadOnlyList<Route> ClaimedRoutes =>
        [.. Routes, .. Compositions.Select(c => new Route(null, c.StaticPrefix)).DistinctBy(r => r.Key).Where(r => Routes.All(own => own.Key != r.Key))];
}

/// <param name="Audience">The <c>aud</c> a token for this service carries (default: the service's name).</param>
/// <param name="Routes">Scopes a route needs, in addition to those its code asks for.</param>
public sealed record AuthSettings(string Audience, IReadOnlyList<RouteScopes> Routes);

/// <param name="Method">GET, POST, PUT, PATCH or DELETE.</param>
/// <param name="Path">The route as the service's code declares it, e.g. <c>/orders/:id</c>.</param>
/// <param name="Scopes">Every scope the token must carry.</param>
public sealed record RouteScopes(string Method, string Path, IReadOnlyList<string> Scopes);

/// <param name="Path">HTTP path probed with GET (default <c>/status</c>); 2xx means healthy.</param>
/// <param name="IntervalSeconds">Seconds between probes (5-300, default 10).</param>
/// <param name="TimeoutSeconds">Seconds before a probe counts as failed (2-120, default 5, below the interval).</param>
/// <param name="HealthyThreshold">Consecutive successes before an instance takes traffic (2-10, default 3).</param>
/// <param name="UnhealthyThreshold">Consecutive failures before it stops taking traffic (2-10, default 2).</param>
/// <param name="GraceSeconds">
/// How long a new instance may take to boot, fetch its artifact and start answering before the deploy
/// counts its checks, like an Auto Scaling group's health-check grace period (10-1800, default
/// <see cref="DefaultGraceSeconds"/>). A deploy gives up on targets that are not all healthy after
/// this plus twice the time the healthy threshold takes at the interval.
/// </param>
public sealed record HealthCheck(
    string Path,
    int IntervalSeconds,
    int TimeoutSeconds,
    int HealthyThreshold,
    int UnhealthyThreshold,
    int GraceSeconds)
{
    public const int DefaultGraceSeconds = 180;
}

/// <summary>
/// One routing rule: requests whose Host is <paramref name="Host"/> (any host when null) and whose
/// path starts with <paramref name="PathPrefix"/> (any path when null). At least one is set.
/// </summary>
public sealed record Route(string? Host, string? PathPrefix)
{
    /// <summary>
    /// The identity two services may not share, e.g. <c>api.example.com/orders</c> or <c>*/orders</c>:
    /// <see cref="RouteKeys.Key"/>, the same normalization the router config is compiled with.
    /// </summary>
    public string Key => RouteKeys.Key(Host, PathPrefix);

    public override string ToString() => Key;
}

/// <param name="Count">Instances of the live version (1-100).</param>
/// <param name="MinHealthyPercent">Share of <paramref name="Count"/> that must stay healthy during a deploy (0-100, default 100).</param>
public sealed record InstancePolicy(int Count, int MinHealthyPercent)
{
    /// <summary>The fewest healthy instances a deploy may leave serving, rounded up.</summary>
    public int MinHealthy => (int)Math.Ceiling(Count * MinHealthyPercent / 100.0);
}

/// <param name="Buildspec">Path of the buildspec in the repository (default <c>buildspec.yml</c>).</param>
/// <param name="Artifact">Path, relative to the repository, of the file or folder the build leaves as the artifact.</param>
public sealed record BuildSettings(string Buildspec, string Artifact);
