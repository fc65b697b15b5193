using Pipeline.Core.Manifest;

namespace Pipeline.Core.Routing;

/// <summary>
/// Turns a validated routing table into the config model in one canonical order, so the same fleet
/// always gives the same bytes however the registry happened to list it.
/// </summary>
public static class HaproxyConfigCompiler
{
    public const string NotFoundBackend = "no_route";

    /// <summary>The composer beside HAProxy; <c>svc_</c> names cannot clash with it.</summary>
    public const string ComposerBackend = "composer";

    public static string BackendName(string service) => "svc_" + service;

    /// <summary>The backend the composer's GET calls to a service go to: the service's targets, over kept connections.</summary>
    public static string CallsBackendName(string service) => "calls_" + service;

    public static HaproxyConfigModel Compile(RoutingTable table, RouterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(table);
        var backends = table.Services
            .Where(s => !s.Composite)
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .Select(s => new HaproxyBackend(
                BackendName(s.Name),
                s.Name,
                s.LiveVersion,
                s.Health,
                [.. s.Targets.OrderBy(t => t.Id, StringComparer.Ordinal)]))
            .ToList();

        var rules = table.Services
            .SelectMany(s => s.Routes.Select(r => new RoutingRule(BackendName(s.Name), s.Name, r.Host, RouteKeys.PathPrefix(r.PathPrefix)))
                .Concat(s.Compositions.Select(c => new RoutingRule(ComposerBackend, s.Name, null, RouteKeys.PathPrefix(c.StaticPrefix)))))
            .Distinct()
            .OrderBy(r => r.Host is null ? 1 : 0)
            .ThenByDescending(r => r.PathPrefix?.Length ?? 0)
            .ThenBy(r => r.Host, StringComparer.Ordinal)
            .ThenBy(r => r.PathPrefix, StringComparer.Ordinal)
            .ThenBy(r => r.Service, StringComparer.Ordinal)
            .ToList();

        var compositions = table.Services
            .SelectMany(s => s.Compositions)
            .OrderBy(c => c.Path, StringComparer.Ordinal)
            .ThenBy(c => c.Method, StringComparer.Ordinal)
            .ToList();
        return new HaproxyConfigModel(settings, rules, backends) { Compositions = compositions };
    }

    /// <summary>
    /// The last gate before text: a model that passes here cannot make HAProxy route to a backend
    /// that does not exist, shadow one service's route with another's, or reuse a name.
    /// </summary>
    public static void Verify(HaproxyConfigModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var problems = new List<string>();
        var defined = new HashSet<string>(StringComparer.Ordinal) { NotFoundBackend };
        if (model.Compositions.Count > 0)
        {
            defined.Add(ComposerBackend);
        }

        foreach (var backend in model.Backends)
        {
            if (!defined.Add(backend.Name))
            {
                problems.Add($"backend '{backend.Name}' is defined twice");
            }

            foreach (var dup in backend.Servers.GroupBy(s => s.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                problems.Add($"backend '{backend.Name}' has server '{dup.Key}' {dup.Count()} times");
            }
        }

        var claimed = new Dictionary<(string?, string?), (string Service, string Backend)>();
        foreach (var rule in model.Rules)
        {
            if (!defined.Contains(rule.Backend))
            {
                problems.Add($"a route of service '{rule.Service}' uses backend '{rule.Backend}', which is not defined");
            }

            if (claimed.TryGetValue((rule.Host, rule.PathPrefix), out var owner) && owner != (rule.Service, rule.Backend))
            {
                problems.Add(owner.Service == rule.Service
                    ? $"route host={rule.Host ?? "*"} path={rule.PathPrefix ?? "/"} of service '{rule.Service}' goes both to '{owner.Backend}' and to '{rule.Backend}'"
                    : $"route host={rule.Host ?? "*"} path={rule.PathPrefix ?? "/"} is claimed by both '{owner.Service}' and '{rule.Service}'");
            }
            else
            {
                claimed[(rule.Host, rule.PathPrefix)] = (rule.Service, rule.Backend);
            }
        }

        if (problems.Count > 0)
        {
            throw new RoutingTableInvalidException(problems);
        }
    }
}
