using Pipeline.Core.Scaling;

namespace Pipeline.Local.Aws.DynamoDB;

/// <summary>
/// What DynamoDB enforces and dynalite does not: provisioned throughput with burst capacity, and the
/// daily decrease quota, per table and per global secondary index ("" names the table itself).
/// </summary>
public sealed class CapacityLedger(int burstSeconds, TimeProvider clock)
{
    private readonly Dictionary<(string Table, string Index), Target> _targets = [];
    private readonly Lock _lock = new();

    /// <summary>Learns the provisioned capacity of a table or index (0 means on-demand: never throttled).</summary>
    public void Provisioned(string table, string? index, Throughput capacity)
    {
        lock (_lock)
        {
            var target = Get(table, index);
            target.Read.SetRate(capacity.Read, clock.GetUtcNow());
            target.Write.SetRate(capacity.Write, clock.GetUtcNow());
        }
    }

    public bool Knows(string table)
    {
        lock (_lock)
        {
            return _targets.ContainsKey((table, ""));
        }
    }

    /// <summary>Forgets a table (after DeleteTable) so a new table of the same name starts afresh.</summary>
    public void Forget(string table)
    {
        lock (_lock)
        {
            foreach (var key in _targets.Keys.Where(k => k.Table == table).ToArray())
            {
                _targets.Remove(key);
            }
        }
    }

    /// <summary>False when the bucket of this dimension is empty: the request is throttled.</summary>
    public bool HasCapacity(string table, string? index, bool write)
    {
        lock (_lock)
        {
            var target = Get(table, index);
            return (write ? target.Write : target.Read).HasTokens(clock.GetUtcNow());
        }
    }

    public void Consume(string table, string? index, bool write, double units)
    {
        lock (_lock)
        {
            var target = Get(table, index);
            (write ? target.Write : target.Read).Take(units, clock.GetUtcNow());
        }
    }

    /// <summary>Decreases the quota allows right now.</summary>
    public int DecreasesAvailable(string table, string? index)
    {
        lock (_lock)
        {
            return Get(table, index).Quota.Available(clock.GetUtcNow());
        }
    }

    /// <summary>Spends a decrease if the quota allows it.</summary>
    public bool TryDecrease(string table, string? index)
    {
        lock (_lock)
        {
            return Get(table, index).Quota.TryDecrease(clock.GetUtcNow());
        }
    }

    public (int DecreasesToday, DateTimeOffset? LastDecrease) Decreases(string table, string? index)
    {
        lock (_lock)
        {
            return Get(table, index).Quota.Today(clock.GetUtcNow());
        }
    }

    private Target Get(string table, string? index)
    {
        if (!_targets.TryGetValue((table, index ?? ""), out var target))
        {
            target = new Target(new Bucket(burstSeconds), new Bucket(burstSeconds), new DecreaseQuota(clock.GetUtcNow()));
            _targets[(table, index ?? "")] = target;
        }

        return target;
    }

    private sealed record Target(Bucket Read, Bucket Write, DecreaseQuota Quota);

    /// <summary>Unit-seconds: refills at the provisioned rate, holds at most burstSeconds of it, may go negative by one request.</summary>
    private sealed class Bucket(int burstSeconds)
    {
        private double _rate;
        private double _tokens;
        private DateTimeOffset _at;
        private bool _known;

        public void SetRate(long rate, DateTimeOffset now)
        {
            Refill(now);
            if (!_known)
            {
                // A table starts with a full burst allowance, as if it had been idle.
                _tokens = rate * (double)burstSeconds;
                _known = true;
            }

            _rate = rate;
            _tokens = Math.Min(_tokens, Cap);
        }

        public bool HasTokens(DateTimeOffset now)
        {
            Refill(now);
            return _rate <= 0 || _tokens > 0;
        }

        public void Take(double units, DateTimeOffset now)
        {
            Refill(now);
            if (_rate > 0)
            {
                _tokens -= units;
            }
        }

        private double Cap => Math.Max(_rate, _rate * burstSeconds);

        private void Refill(DateTimeOffset now)
        {
            if (_at != default && now > _at)
            {
                _tokens = Math.Min(Cap, _tokens + (_rate * (now - _at).TotalSeconds));
            }

            _at = now;
        }
    }
}
