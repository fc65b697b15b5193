namespace Pipeline.Core.Tests.Fakes;

/// <summary>An <see cref="IRegistry"/> in a dictionary, with the same conditional semantics as the DynamoDB adapter.</summary>
internal sealed class InMemoryRegistry : IRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ServiceRecord> _services = [];
    private readonly Dictionary<string, (long Value, string? Last)> _counters = [];
    private readonly List<VersionRecord> _versions = [];
    private readonly Dictionary<string, OwnedTable> _tables = [];
    private readonly Dictionary<string, string> _routes = [];
    private readonly Dictionary<string, LockLease> _locks = [];
    private readonly List<LockBreak> _breaks = [];
    private readonly Dictionary<string, ArtifactCopy> _copies = [];

    public int Writes { get; private set; }

    public Task<ServiceRecord?> GetServiceAsync(string service, CancellationToken cancel = default) =>
        Task.FromResult(Read(() => _services.GetValueOrDefault(service)));

    public Task<IReadOnlyList<ServiceRecord>> ListServicesAsync(CancellationToken cancel = default) =>
        Task.FromResult(Read<IReadOnlyList<ServiceRecord>>(() => [.. _services.Values]));

    public Task<CounterAllocation> AllocateCountAsync(string service, string executionId, CancellationToken cancel = default) =>
        Task.FromResult(Write(() =>
        {
            var (value, last) = _counters.GetValueOrDefault(service);
            if (last == executionId)
            {
                return new CounterAllocation(value, Reused: true);
            }

            _counters[service] = (value + 1, executionId);
            return new CounterAllocation(value + 1, Reused: false);
        }));

    public Task<long> GetCountAsync(string service, CancellationToken cancel = default) =>
        Task.FromResult(Read(() => _counters.GetValueOrDefault(service).Value));

    public Task<VersionRecord> RecordVersionAsync(VersionRecord version, CancellationToken cancel = default) =>
        Task.FromResult(Write(() =>
        {
            if (_versions.FirstOrDefault(v => v.Service == version.Service && v.Count == version.Count) is { } existing)
            {
                return existing;
            }

            _versions.Add(version);
            var current = _services.GetValueOrDefault(version.Service);
            if (current is null || current.LatestCount < version.Count)
            {
                _services[version.Service] = new ServiceRecord(version.Service, version.ManifestYaml, version.ManifestHash,
                    version.Label, version.Count, current?.LiveLabel, version.RecordedAt);
            }

            return version;
        }));

    public Task<VersionRecord?> GetVersionAsync(string service, string label, CancellationToken cancel = default) =>
        Task.FromResult(Read(() => _versions.FirstOrDefault(v => v.Service == service && v.Label == label)));

    public Task<VersionRecord?> FindVersionByExecutionAsync(string service, string executionId, CancellationToken cancel = default) =>
        Task.FromResult(Read(() => _versions.FirstOrDefault(v => v.Service == service && v.ExecutionId == executionId)));

    public Task<IReadOnlyList<VersionRecord>> ListVersionsAsync(string service, CancellationToken cancel = default) =>
        Task.FromResult(Read<IReadOnlyList<VersionRecord>>(() =>
            [.. _versions.Where(v => v.Service == service).OrderByDescending(v => v.Count)]));

    public async Task<VersionRecord?> GetLiveVersionAsync(string service, CancellationToken cancel = default) =>
        (await GetServiceAsync(service, cancel))?.LiveLabel is { } live ? await GetVersionAsync(service, live, cancel) : null;

    public Task<bool> MarkLiveAsync(string service, string label, string? expectedLive, CancellationToken cancel = default) =>
        Task.FromResult(Write(() =>
        {
            if (!_services.TryGetValue(service, out var record) || record.LiveLabel != expectedLive)
            {
                return false;
            }

            _services[service] = record with { LiveLabel = label };
            Replace(service, label, v => v with { Status = VersionStatus.Live });
            if (expectedLive is not null && expectedLive != label)
            {
                Replace(service, expectedLive, v => v with { Status = VersionStatus.Retired });
            }

            return true;
        }));

    public Task<bool> ClearLiveAsync(string service, string expectedLive, CancellationToken cancel = default) =>
        Task.FromResult(Write(() =>
        {
            if (!_services.TryGetValue(service, out var record) || record.LiveLabel != expectedLive)
            {
                return false;
            }

            _services[service] = record with { LiveLabel = null };
            Replace(service, expectedLive, v => v with { Status = VersionStatus.Retired });
            return true;
        }));

    public Task<bool> SetVersionStatusAsync(string service, string label, VersionStatus expected, VersionStatus status,
        CancellationToken cancel = default) =>
        Task.FromResult(Write(() =>
            _versions.Any(v => v.Service == service && v.Label == label && v.Status == expected)
            && Replace(service, label, v => v with { Status = status })));

    public Task<LockLease?> TryAcquireLockAsync(string name, string owner, TimeSpan lease, CancellationToken cancel = default) =>
        Task.FromResult(Write(() =>
        {
            var now = DateTimeOffset.UtcNow;
            if (_locks.TryGetValue(name, out var held) && held.Owner != owner && held.ExpiresAt >= now)
            {
                return null;
            }

            return _locks[name] = new LockLease(name, owner, now, now + lease);
        }));

    public Task<bool> ReleaseLockAsync(string name, string owner, CancellationToken cancel = default) =>
        Task.FromResult(Write(() => _locks.TryGetValue(name, out var held) && held.Owner == owner && _locks.Remove(name)));

    public Task<LockLease?> GetLockAsync(string name, CancellationToken cancel = default) =>
        Task.FromResult(Read(() => _locks.GetValueOrDefault(name)));

    public Task<LockLease?> TakeOverLockAsync(string name, string endedOwner, string owner, TimeSpan lease, CancellationToken cancel = default) =>
        Task.FromResult(Write(() =>
        {
            if (!_locks.TryGetValue(name, out var held) || held.Owner != endedOwner)
            {
                return null;
            }

            var now = DateTimeOffset.UtcNow;
            return _locks[name] = new LockLease(name, owner, now, now + lease, endedOwner);
        }));

    public Task<bool> BreakLockAsync(LockBreak record, CancellationToken cancel = default) =>
        Task.FromResult(Write(() =>
        {
            if (!_locks.TryGetValue(record.Name, out var held) || held.Owner != record.Owner)
            {
                return false;
            }

            _locks.Remove(record.Name);
            _breaks.Add(record);
            return true;
        }));

    public Task<IReadOnlyList<LockBreak>> ListLockBreaksAsync(string name, CancellationToken cancel = default) =>
        Task.FromResult(Read<IReadOnlyList<LockBreak>>(() => [.. _breaks.Where(b => b.Name == name)]));

    public Task<ArtifactCopy> ClaimArtifactCopyAsync(string key, string executionId, CancellationToken cancel = default) =>
        Task.FromResult(Write(() =>
        {
            if (_copies.TryGetValue(key, out var claim))
            {
                return claim.ExecutionId == executionId
                    ? claim
                    : throw new RegistryConflictException($"{key} is claimed by execution {claim.ExecutionId}, not {executionId}");
            }

            return _copies[key] = new ArtifactCopy(key, executionId);
        }));

    public Task CompleteArtifactCopyAsync(ArtifactCopy copy, CancellationToken cancel = default) =>
        Task.FromResult(Write(() =>
        {
            if (!_copies.TryGetValue(copy.Key, out var claim) || claim.ExecutionId != copy.ExecutionId)
            {
                throw new RegistryConflictException($"{copy.Key} is not claimed by execution {copy.ExecutionId}");
            }

            return _copies[copy.Key] = copy;
        }));

    public Task<OwnedTable?> GetOwnedTableAsync(string tableName, CancellationToken cancel = default) =>
        Task.FromResult(Read(() => _tables.GetValueOrDefault(tableName)));

    public Task<IReadOnlyList<OwnedTable>> ListOwnedTablesAsync(CancellationToken cancel = default) =>
        Task.FromResult(Read<IReadOnlyList<OwnedTable>>(() => [.. _tables.Values]));

    public Task PutOwnedTableAsync(OwnedTable table, CancellationToken cancel = default) =>
        Task.FromResult(Write(() =>
        {
            if (_tables.TryGetValue(table.TableName, out var owned) && owned.Service != table.Service)
            {
                throw new RegistryConflictException($"table {table.TableName} is owned by service {owned.Service}", owned.Service);
            }

            return _tables[table.TableName] = table;
        }));

    public Task<IReadOnlyList<RouteClaim>> ListRouteClaimsAsync(CancellationToken cancel = default) =>
        Task.FromResult(Read<IReadOnlyList<RouteClaim>>(() => [.. _routes.Select(r => new RouteClaim(r.Key, r.Value))]));

    public Task ClaimRoutesAsync(string service, IReadOnlyList<string> routeKeys, CancellationToken cancel = default) =>
        Task.FromResult(Write(() =>
        {
            if (routeKeys.FirstOrDefault(r => _routes.TryGetValue(r, out var owner) && owner != service) is { } taken)
            {
                throw new RegistryConflictException($"route {taken} is owned by service {_routes[taken]}", _routes[taken]);
            }

            foreach (var route in routeKeys)
            {
                _routes[route] = service;
            }

            return true;
        }));

    public Task ReleaseRoutesAsync(string service, IReadOnlyList<string> routeKeys, CancellationToken cancel = default) =>
        Task.FromResult(Write(() =>
        {
            foreach (var route in routeKeys.Where(r => _routes.TryGetValue(r, out var owner) && owner == service))
            {
                _routes.Remove(route);
            }

            return true;
        }));

    /// <summary>Everything stored, as text: equal before and after an operation that must change nothing.</summary>
    public string Snapshot() => Read(() => string.Join('\n',
        _services.Values.Select(s => s.ToString())
            .Concat(_counters.Select(c => $"counter {c.Key}={c.Value}"))
            .Concat(_versions.Select(v => v.ToString()))
            .Concat(_tables.Values.Select(t => $"{t} [{string.Join(',', t.Indexes)}]"))
            .Concat(_routes.Select(r => $"route {r.Key}={r.Value}"))
            .Concat(_copies.Values.Select(c => c.ToString()))
            .Order(StringComparer.Ordinal)));

    private bool Replace(string service, string label, Func<VersionRecord, VersionRecord> change)
    {
        var i = _versions.FindIndex(v => v.Service == service && v.Label == label);
        if (i >= 0)
        {
            _versions[i] = change(_versions[i]);
        }

        return i >= 0;
    }

    private T Read<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }

    private T Write<T>(Func<T> write)
    {
        lock (_gate)
        {
            Writes++;
            return write();
        }
    }
}
