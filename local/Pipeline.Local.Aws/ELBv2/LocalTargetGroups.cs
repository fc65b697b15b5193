using Pipeline.Local.Aws.CloudFormation;

namespace Pipeline.Local.Aws.ELBv2;

/// <summary>
/// ELBv2 target groups on one machine: targets are health-checked over HTTP the way an
/// Application Load Balancer does it (one passing check makes a new target healthy,
/// UnhealthyThresholdCount consecutive failures make it unhealthy, HealthyThresholdCount
/// consecutive passes bring it back), and a deregistered target drains for the deregistration
/// delay before it disappears. As on AWS, only a group a listener rule forwards to is checked
/// (<see cref="LocalTargetGroups.CreateRule"/>); the targets of any other group are <c>unused</c>.
/// The operations take and return ELBv2's shapes.
/// </summary>
public sealed partial class LocalTargetGroups : IAsyncDisposable
{
    private readonly ITargetAddresses _addresses;
    private readonly StackContext _stack;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Group> _groups = new(StringComparer.Ordinal);

    public LocalTargetGroups(ITargetAddresses addresses, StackContext stack, TimeProvider? time = null)
    {
        _addresses = addresses;
        _stack = stack;
        _time = time ?? TimeProvider.System;
        // Health checks must not reuse connections: ELB opens one per check and closes it after.
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero, UseProxy = false })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public TargetGroupDescription CreateTargetGroup(TargetGroupSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Validate(settings);
        var existing = _groups.Values.FirstOrDefault(g => g.Settings.Name == settings.Name);
        if (existing is not null)
        {
            // Attributes (the deregistration delay) are not creation settings: ELB compares only the latter.
            return existing.Settings with { DeregistrationDelay = settings.DeregistrationDelay } == settings ? Describe(existing)
                : throw new ElasticLoadBalancingException("DuplicateTargetGroupNameException", $"A target group with the same name '{settings.Name}' exists, but with different settings");
        }

        var arn = $"arn:{_stack.Partition}:elasticloadbalancing:{_stack.Region}:{_stack.AccountId}:targetgroup/{settings.Name}/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
        var group = new Group(arn, settings);
        _groups[arn] = group;
        Save();
        return Describe(group);
    }

    /// <summary>All groups, or those named (by name or ARN); an unknown one is TargetGroupNotFound, as in ELB.</summary>
    public IReadOnlyList<TargetGroupDescription> DescribeTargetGroups(
        IReadOnlyList<string>? names = null, IReadOnlyList<string>? arns = null)
    {
        var found = new List<TargetGroupDescription>();
        foreach (var name in names ?? [])
        {
            found.Add(Describe(_groups.Values.FirstOrDefault(g => g.Settings.Name == name)
                ?? throw ElasticLoadBalancingException.TargetGroupNotFound(name)));
        }

        foreach (var arn in arns ?? [])
        {
            found.Add(Describe(_groups.GetValueOrDefault(arn) ?? throw ElasticLoadBalancingException.TargetGroupNotFound(arn)));
        }

        return names is null && arns is null ? [.. _groups.Values.Select(Describe)] : found;
    }

    /// <summary>
    /// ModifyTargetGroupAttributes for the one attribute that means something locally,
    /// <c>deregistration_delay.timeout_seconds</c> (0-3600); it applies to targets deregistered afterwards.
    /// Answers every attribute the group has, as ELB does.
    /// </summary>
    public IReadOnlyList<TargetGroupAttributeItem> ModifyTargetGroupAttributes(ModifyTargetGroupAttributesRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var group = _groups.GetValueOrDefault(request.TargetGroupArn) ?? throw ElasticLoadBalancingException.TargetGroupNotFound(request.TargetGroupArn);
        var settings = group.Settings;
        foreach (var attribute in request.Attributes ?? [])
        {
            if (attribute.Key != TargetGroupAttributeItem.DeregistrationDelay)
            {
                throw ElasticLoadBalancingException.Validation(
                    $"attribute '{attribute.Key}' is not modelled by the local target groups (only {TargetGroupAttributeItem.DeregistrationDelay} is)");
            }

            settings = settings with
            {
                DeregistrationDelay = int.TryParse(attribute.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds <= 3600
                    ? TimeSpan.FromSeconds(seconds)
                    : throw ElasticLoadBalancingException.Validation($"{attribute.Key} must be a whole number of seconds from 0 to 3600, got '{attribute.Value}'"),
            };
        }

        group.Settings = settings;
        Save();
        return [new TargetGroupAttributeItem(TargetGroupAttributeItem.DeregistrationDelay,
            ((int)settings.DeregistrationDelay.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture))];
    }

    /// <summary>
    /// Removes a group and stops checking its targets; deleting one that is gone succeeds, so a
    /// retried rollback is harmless. A group a listener rule still forwards to is ResourceInUse.
    /// </summary>
    public void DeleteTargetGroup(string arn)
    {
        lock (_rulesGate)
        {
            if (_rules.Values.FirstOrDefault(r => r.TargetGroupArn == arn) is { } rule)
            {
                throw new ElasticLoadBalancingException("ResourceInUseException",
                    $"Target group '{arn}' is currently in use by a listener or a rule ({rule.Arn})");
            }
        }

        if (_groups.TryRemove(arn, out var group))
        {
            foreach (var target in group.Targets.Values)
            {
                target.Stop();
            }
            Save();
        }
    }

    public void RegisterTargets(TargetsRequest request)
    {
        var group = Find(request);
        foreach (var target in request.Targets)
        {
            var (host, problem) = _addresses.Resolve(target.Id);
            if (host is null)
            {
                throw ElasticLoadBalancingException.InvalidTarget(
                    $"The following targets are not in a running state and cannot be registered: {problem}");
            }
        }

        foreach (var target in request.Targets)
        {
            var key = new TargetDescription(target.Id, target.Port ?? group.Settings.Port);
            var host = _addresses.Resolve(target.Id).Host!;
            group.Targets.AddOrUpdate(
                key,
                _ => Start(group, key, host),
                (_, current) =>
                {
                    if (current.State != "draining")
                    {
                        return current;
                    }

                    current.Stop();
                    return Start(group, key, host);
                });
        }
        Save();
    }

    public void DeregisterTargets(TargetsRequest request)
    {
        var group = Find(request);
        var keys = request.Targets.Select(t => new TargetDescription(t.Id, t.Port ?? group.Settings.Port)).ToList();
        var missing = keys.Where(k => !group.Targets.ContainsKey(k)).ToList();
        if (missing.Count > 0)
        {
            throw ElasticLoadBalancingException.InvalidTarget(
                $"The following targets are not registered: {string.Join(", ", missing.Select(m => $"'{m.Id}:{m.Port}'"))}");
        }

        foreach (var key in keys)
        {
            group.Targets[key].Drain(group.Settings.DeregistrationDelay, () => group.Targets.TryRemove(key, out _));
        }
        Save();
    }

    public DescribeTargetHealthResponse DescribeTargetHealth(DescribeTargetHealthRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var group = _groups.GetValueOrDefault(request.TargetGroupArn ?? "")
            ?? throw ElasticLoadBalancingException.TargetGroupNotFound(request.TargetGroupArn ?? "(none)");
        var keys = request.Targets is { Count: > 0 } filter
            ? filter.Select(t => new TargetDescription(t.Id, t.Port ?? group.Settings.Port))
            : group.Targets.Keys.OrderBy(k => k.Id, StringComparer.Ordinal).ThenBy(k => k.Port);
        return new DescribeTargetHealthResponse([.. keys.Select(key => new TargetHealthDescription(
            key,
            key.Port?.ToString(CultureInfo.InvariantCulture),
            group.Targets.TryGetValue(key, out var target)
                ? target.Health()
                : new TargetHealth("unused", "Target.NotRegistered", "Target is not registered to the target group")))]);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var target in _groups.Values.SelectMany(g => g.Targets.Values))
        {
            target.Stop();
        }

        await Task.WhenAll(_groups.Values.SelectMany(g => g.Targets.Values).Select(t => t.Completion));
        _http.Dispose();
    }

    private Group Find(TargetsRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var group = _groups.GetValueOrDefault(request.TargetGroupArn ?? "")
            ?? throw ElasticLoadBalancingException.TargetGroupNotFound(request.TargetGroupArn ?? "(none)");
        if (request.Targets is not { Count: > 0 })
        {
            throw ElasticLoadBalancingException.Validation("Targets: at least one target is required");
        }

        foreach (var target in request.Targets.Where(t => t.Port is < 1 or > 65535))
        {
            throw ElasticLoadBalancingException.Validation($"Targets: port {target.Port} of '{target.Id}' is outside 1-65535");
        }

        return group;
    }

    private TargetMonitor Start(Group group, TargetDescription key, string host)
    {
        var monitor = new TargetMonitor(group.Settings, new Uri($"http://{host}:{key.Port}{group.Settings.HealthCheckPath}"), _http, _time);
        if (IsInUse(group.Arn))
        {
            monitor.Activate();
        }

        return monitor;
    }

    private static TargetGroupDescription Describe(Group group) => new(
        group.Arn, group.Settings.Name, "HTTP", group.Settings.Port, group.Settings.HealthCheckPath,
        (int)Math.Ceiling(group.Settings.HealthCheckInterval.TotalSeconds), (int)Math.Ceiling(group.Settings.HealthCheckTimeout.TotalSeconds),
        group.Settings.HealthyThresholdCount, group.Settings.UnhealthyThresholdCount, new MatcherDescription(group.Settings.Matcher));

    private static void Validate(TargetGroupSettings s)
    {
        if (s.HealthyThresholdCount is < 2 or > 10 || s.UnhealthyThresholdCount is < 2 or > 10)
        {
            throw ElasticLoadBalancingException.Validation("HealthyThresholdCount and UnhealthyThresholdCount must be from 2 to 10");
        }

        if (s.HealthCheckTimeout >= s.HealthCheckInterval)
        {
            throw ElasticLoadBalancingException.Validation("HealthCheckTimeoutSeconds must be smaller than HealthCheckIntervalSeconds");
        }

        if (!s.HealthCheckPath.StartsWith('/'))
        {
            throw ElasticLoadBalancingException.Validation($"HealthCheckPath '{s.HealthCheckPath}' must start with '/'");
        }

        _ = HealthMatcher.Parse(s.Matcher);
    }

    private sealed class Group(string arn, TargetGroupSettings settings)
    {
        public string Arn { get; } = arn;

        public TargetGroupSettings Settings { get; set; } = settings;

        public ConcurrentDictionary<TargetDescription, TargetMonitor> Targets { get; } = new();
    }
}
