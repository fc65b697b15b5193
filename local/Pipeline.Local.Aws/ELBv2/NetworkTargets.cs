namespace Pipeline.Local.Aws.ELBv2;

/// <summary>A Network Load Balancer target's health, with ELB's names for the states.</summary>
public enum NetworkTargetState
{
    Initial,
    Healthy,
    Unhealthy,
    Draining,
}

/// <summary>A target group's health check: how often, and how many checks in a row change a target's state.</summary>
public sealed record NetworkHealthCheck(TimeSpan Interval, int HealthyThreshold, int UnhealthyThreshold, TimeSpan Timeout)
{
    /// <summary>
    /// ELB's lowest interval and thresholds (5 s, 2 and 2): a router the template's group would take
    /// in 20 s is taken locally in 10 s, by the same rules.
    /// </summary>
    public static NetworkHealthCheck Local { get; } = new(TimeSpan.FromSeconds(5), 2, 2, TimeSpan.FromSeconds(2));
}

/// <summary>One target as the balancer sees it.</summary>
public sealed record NetworkTarget(string Id, int Port, int HealthPort, NetworkTargetState State, int ActiveConnections);

/// <summary>
/// What a Network Load Balancer decides, without sockets: a registered target starts
/// <c>initial</c> and takes new connections only once <see cref="NetworkHealthCheck.HealthyThreshold"/>
/// checks in a row passed; <see cref="NetworkHealthCheck.UnhealthyThreshold"/> failures in a row take it
/// out again. A deregistered target is <c>draining</c>: no new connection, its open ones finish. New
/// connections go round-robin over the healthy targets; when none is healthy the balancer fails open
/// over the unhealthy ones, as an NLB does (targets still <c>initial</c> never take traffic).
/// </summary>
public sealed class NetworkTargets(NetworkHealthCheck check)
{
    private readonly Lock _lock = new();
    private readonly List<Entry> _targets = [];
    private int _next;

    public NetworkHealthCheck Check => check;

    public IReadOnlyList<NetworkTarget> Describe()
    {
        lock (_lock)
        {
            return [.. _targets.Select(t => t.Describe())];
        }
    }

    public void Register(string id, int port, int healthPort)
    {
        lock (_lock)
        {
            if (_targets.Any(t => t.Id == id))
            {
                throw new InvalidOperationException($"target {id} is already registered");
            }

            _targets.Add(new Entry(id, port, healthPort));
        }
    }

    /// <summary>Takes the target out of rotation; its open connections go on. False when it is not registered.</summary>
    public bool Deregister(string id)
    {
        lock (_lock)
        {
            var target = _targets.FirstOrDefault(t => t.Id == id);
            if (target is null)
            {
                return false;
            }

            target.State = NetworkTargetState.Draining;
            return true;
        }
    }

    /// <summary>Forgets a target (after it drained).</summary>
    public void Remove(string id)
    {
        lock (_lock)
        {
            _targets.RemoveAll(t => t.Id == id);
        }
    }

    /// <summary>True once a deregistered target has no open connection (or it is gone).</summary>
    public bool IsDrained(string id)
    {
        lock (_lock)
        {
            return _targets.FirstOrDefault(t => t.Id == id) is not { } target || target.Active == 0;
        }
    }

    /// <summary>Counts one health check's outcome; a draining target is no longer checked.</summary>
    public void Record(string id, bool passed)
    {
        lock (_lock)
        {
            if (_targets.FirstOrDefault(t => t.Id == id) is not { State: not NetworkTargetState.Draining } target)
            {
                return;
            }

            target.Passes = passed ? target.Passes + 1 : 0;
            target.Failures = passed ? 0 : target.Failures + 1;
            if (target.Passes >= check.HealthyThreshold)
            {
                target.State = NetworkTargetState.Healthy;
            }
            else if (target.Failures >= check.UnhealthyThreshold)
            {
                target.State = NetworkTargetState.Unhealthy;
            }
        }
    }

    /// <summary>The targets to health-check now: every registered one that is not draining.</summary>
    public IReadOnlyList<NetworkTarget> ToCheck()
    {
        lock (_lock)
        {
            return [.. _targets.Where(t => t.State != NetworkTargetState.Draining).Select(t => t.Describe())];
        }
    }

    /// <summary>
    /// Chooses the target of a new connection, skipping <paramref name="refused"/> (targets that just
    /// refused this one), and counts the connection on it; null when no target may take it.
    /// Release it with <see cref="Release"/>.
    /// </summary>
    public NetworkTarget? Acquire(IReadOnlyCollection<string>? refused = null)
    {
        lock (_lock)
        {
            var open = _targets.Where(t => refused?.Contains(t.Id) != true).ToList();
            var candidates = open.Where(t => t.State == NetworkTargetState.Healthy).ToList();
            if (candidates.Count == 0)
            {
                candidates = [.. open.Where(t => t.State == NetworkTargetState.Unhealthy)];
            }

            if (candidates.Count == 0)
            {
                return null;
            }

            var chosen = candidates[_next++ % candidates.Count];
            _next %= 1 << 20;
            chosen.Active++;
            return chosen.Describe();
        }
    }

    public void Release(string id)
    {
        lock (_lock)
        {
            if (_targets.FirstOrDefault(t => t.Id == id) is { } target)
            {
                target.Active--;
            }
        }
    }

    private sealed class Entry(string id, int port, int healthPort)
    {
        public string Id { get; } = id;

        public NetworkTargetState State { get; set; } = NetworkTargetState.Initial;

        public int Passes { get; set; }

        public int Failures { get; set; }

        public int Active { get; set; }

        public NetworkTarget Describe() => new(Id, port, healthPort, State, Active);
    }
}
