using System.Text.RegularExpressions;
using Pipeline.Core.Manifest;

namespace Pipeline.Core.Routing;

/// <summary>
/// Checks a routing table field by field before anything is rendered. Every string that reaches the
/// config is held to a character set HAProxy's parser takes literally (no spaces, quotes or '#'),
/// so no input can inject a directive.
/// </summary>
public static partial class RoutingTableValidator
{
    public static void Validate(RoutingTable table, RouterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(settings);
        var problems = new List<string>();
        ValidateSettings(settings, problems);
        if (table.Services is null)
        {
            problems.Add("services: is required");
            throw new RoutingTableInvalidException(problems);
        }

        EachUnique(table.Services, "services", s => s.Name, "name", (service, at) => ValidateService(service, at, problems), problems);

        if (problems.Count > 0)
        {
            throw new RoutingTableInvalidException(problems);
        }
    }

    private static void ValidateService(ServiceRouting service, string at, List<string> problems)
    {
        Check(service.Name is not null && ServiceName().IsMatch(service.Name), $"{at}.name",
            "must be 1-63 lowercase letters, digits or '-', starting with a letter", service.Name, problems);
        Check(service.LiveVersion is not null && VersionLabel().IsMatch(service.LiveVersion), $"{at}.liveVersion",
            "must be 1-128 letters, digits or '.', '_', '+', '-'", service.LiveVersion, problems);
        ValidateHealth(service.Health, $"{at}.health", problems);

        if (service.Routes is null)
        {
            problems.Add($"{at}.routes: is required (may be empty)");
        }
        else
        {
            for (var r = 0; r < service.Routes.Count; r++)
            {
                ValidateRoute(service.Routes[r], $"{at}.routes[{r}]", problems);
            }
        }

        ValidateCompositions(service, at, problems);
        if (service.Targets is null)
        {
            problems.Add($"{at}.targets: is required (may be empty)");
            return;
        }

        EachUnique(service.Targets, $"{at}.targets", t => t.Id, "id", (target, tat) => ValidateTarget(target, tat, problems), problems);
    }

    private static void ValidateTarget(RouteTarget target, string tat, List<string> problems)
    {
        Check(target.Id is not null && TargetId().IsMatch(target.Id), $"{tat}.id",
            "must be 1-128 letters, digits or '.', '_', ':', '-', starting with a letter or digit", target.Id, problems);
        // An IPv4 address, not a DNS name: haproxy refuses to start when a name does not resolve,
        // and a config must not depend on the resolver of the router that loads it.
        Check(target.Address is not null && IPv4().IsMatch(target.Address), $"{tat}.address",
            "must be an IPv4 address", target.Address, problems);
        Check(target.Port is >= 1 and <= 65535, $"{tat}.port", "must be between 1 and 65535", target.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), problems);
    }

    /// <summary>
    /// Checks each item of the list at <paramref name="at"/>: a null item is a problem, the others go to
    /// <paramref name="validate"/>, and an item whose <paramref name="keyField"/> an earlier item has is a problem.
    /// </summary>
    private static void EachUnique<T>(
        IReadOnlyList<T?> items, string at, Func<T, string?> key, string keyField, Action<T, string> validate, List<string> problems)
        where T : class
    {
        var list = at[(at.LastIndexOf('.') + 1)..];
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var itemAt = $"{at}[{i}]";
            if (items[i] is not { } item)
            {
                problems.Add($"{itemAt}: is null");
                continue;
            }

            validate(item, itemAt);
            if (key(item) is { } value && !first.TryAdd(value, i))
            {
                problems.Add($"{itemAt}.{keyField}: '{value}' is also the {keyField} of {list}[{first[value]}]");
            }
        }
    }

    private static void ValidateHealth(HealthCheck? health, string at, List<string> problems)
    {
        if (health is null)
        {
            problems.Add($"{at}: is required");
            return;
        }

        Check(health.Path is not null && ManifestGrammar.HttpPathRegex().IsMatch(health.Path), $"{at}.path",
            ManifestGrammar.HttpPathRule, health.Path, problems);
        Check(health.IntervalSeconds is >= 1 and <= 3600, $"{at}.intervalSeconds", "must be between 1 and 3600", Show(health.IntervalSeconds), problems);
        Check(health.HealthyThreshold is >= 1 and <= 100, $"{at}.healthyThreshold", "must be between 1 and 100", Show(health.HealthyThreshold), problems);
        Check(health.UnhealthyThreshold is >= 1 and <= 100, $"{at}.unhealthyThreshold", "must be between 1 and 100", Show(health.UnhealthyThreshold), problems);
    }

    // Each composition becomes a rule on its static prefix and one line of JSON in the config: held
    // to the manifest's grammar, nothing in it can break out of either.
    private static void ValidateCompositions(ServiceRouting service, string at, List<string> problems)
    {
        for (var c = 0; c < (service.Compositions?.Count ?? 0); c++)
        {
            var composition = service.Compositions![c];
            var cat = $"{at}.compositions[{c}]";
            Check(composition.Service == service.Name, $"{cat}.service", $"must be the service declaring it ({service.Name})", composition.Service, problems);
            Check(ManifestGrammar.CompositionPathRegex().IsMatch(composition.Path ?? string.Empty), $"{cat}.path", ManifestGrammar.CompositionPathRule, composition.Path, problems);
            Check(composition.Method is "GET" or "POST", $"{cat}.method", "must be GET or POST", composition.Method, problems);
            foreach (var (name, call) in composition.Calls ?? new Dictionary<string, Compose.CompositionCall>())
            {
                Check(ManifestGrammar.IdentifierRegex().IsMatch(name), $"{cat}.calls", ManifestGrammar.IdentifierRule, name, problems);
                Check(Naming.ServiceName.IsValid(call.Service), $"{cat}.calls.{name}.service", Naming.ServiceName.Rule, call.Service, problems);
                Check(ManifestGrammar.CallPathRegex().IsMatch(call.Path ?? string.Empty), $"{cat}.calls.{name}.path", ManifestGrammar.CallPathRule, call.Path, problems);
            }
        }
    }

    private static void ValidateRoute(Route? route, string at, List<string> problems)
    {
        if (route is null)
        {
            problems.Add($"{at}: is null");
            return;
        }

        if (route.Host is null && route.PathPrefix is null)
        {
            problems.Add($"{at}: needs a host, a pathPrefix or both");
            return;
        }

        if (route.Host is not null)
        {
            Check(ManifestGrammar.HostRegex().IsMatch(route.Host), $"{at}.host", ManifestGrammar.HostRule, route.Host, problems);
        }

        if (route.PathPrefix is not null)
        {
            Check(ManifestGrammar.PathPrefixRegex().IsMatch(route.PathPrefix), $"{at}.pathPrefix", ManifestGrammar.PathPrefixRule, route.PathPrefix, problems);
        }
    }

    private static void ValidateSettings(RouterSettings s, List<string> problems)
    {
        Check(s.BindAddress == "*" || IPv4().IsMatch(s.BindAddress), "settings.bindAddress", "must be '*' or an IPv4 address", s.BindAddress, problems);
        Check(s.Port is >= 1 and <= 65535, "settings.port", "must be between 1 and 65535", Show(s.Port), problems);
        Check(s.ComposerPort is >= 1 and <= 65535, "settings.composerPort", "must be between 1 and 65535", Show(s.ComposerPort), problems);
        Check(s.ComposerCallsPort is >= 1 and <= 65535, "settings.composerCallsPort", "must be between 1 and 65535", Show(s.ComposerCallsPort), problems);
        Check(s.RuntimeSocketPath is not null && SocketPath().IsMatch(s.RuntimeSocketPath), "settings.runtimeSocketPath",
            "must be an absolute path without spaces or quotes", s.RuntimeSocketPath, problems);
        foreach (var (name, value) in new[] { ("user", s.User), ("group", s.Group) })
        {
            if (value is not null)
            {
                Check(SystemName().IsMatch(value), "settings." + name, "must be a system user or group name: lowercase letters, digits, '_' or '-', starting with a letter or '_', at most 32", value, problems);
            }
        }

        foreach (var (name, value) in new[]
        {
            ("connectTimeoutMs", s.ConnectTimeoutMs), ("clientTimeoutMs", s.ClientTimeoutMs), ("serverTimeoutMs", s.ServerTimeoutMs),
            ("httpRequestTimeoutMs", s.HttpRequestTimeoutMs), ("queueTimeoutMs", s.QueueTimeoutMs), ("checkTimeoutMs", s.CheckTimeoutMs),
            ("hardStopAfterSeconds", s.HardStopAfterSeconds), ("maxConnections", s.MaxConnections),
        })
        {
            Check(value is >= 1 and <= 86_400_000, "settings." + name, "must be between 1 and 86400000", Show(value), problems);
        }
    }

    private static void Check(bool ok, string field, string rule, string? value, List<string> problems)
    {
        if (!ok)
        {
            problems.Add(value is null ? $"{field}: is required" : $"{field}: {rule} (got '{ManifestGrammar.Visible(value)}')");
        }
    }

    private static string Show(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\A[a-z][a-z0-9-]{0,62}\z")]
    private static partial Regex ServiceName();

    [GeneratedRegex(@"\A[A-Za-z0-9._+-]{1,128}\z")]
    private static partial Regex VersionLabel();

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._:-]{0,127}\z")]
    private static partial Regex TargetId();

    [GeneratedRegex(@"\A((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\z")]
    private static partial Regex IPv4();

    [GeneratedRegex(@"\A/[A-Za-z0-9._/-]{1,200}\z")]
    private static partial Regex SocketPath();

    [GeneratedRegex(@"\A[a-z_][a-z0-9_-]{0,31}\z")]
    private static partial Regex SystemName();
}
