using Pipeline.Core.Routing;

namespace Pipeline.Core.Tests.Routing;

/// <summary>The sequence item as a locked field: the same conditions the DynamoDB adapter writes.</summary>
internal sealed class InMemoryRoutesSequence : IRoutesSequence
{
    private readonly Lock _gate = new();
    private string? _token;
    private DateTimeOffset _expires;
    private long _lastNumber;

    public RoutesPointer? Head { get; private set; }

    public int Acquisitions { get; private set; }

    public Task<RoutesLease?> TryAcquireAsync(string token, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_token is not null && _expires >= now)
            {
                return Task.FromResult<RoutesLease?>(null);
            }

            (_token, _expires) = (token, now + ttl);
            Acquisitions++;
            return Task.FromResult<RoutesLease?>(new RoutesLease(token, Head));
        }
    }

    public Task<long> ReserveNumberAsync(RoutesLease lease, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            EnsureHeld(lease);
            return Task.FromResult(++_lastNumber);
        }
    }

    public Task CommitAsync(RoutesLease lease, RoutesPointer current, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            EnsureHeld(lease);
            (Head, _token) = (current, null);
            return Task.CompletedTask;
        }
    }

    public Task ReleaseAsync(RoutesLease lease, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_token == lease.Token)
            {
                _token = null;
            }

            return Task.CompletedTask;
        }
    }

    public void HoldLease(string token, DateTimeOffset until)
    {
        lock (_gate)
        {
            (_token, _expires) = (token, until);
        }
    }

    private void EnsureHeld(RoutesLease lease)
    {
        if (_token != lease.Token)
        {
            throw new RoutesLeaseLostException("lease " + lease.Token + " is not held");
        }
    }
}

internal sealed class InMemoryRoutesStore : IRoutesStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _configs = [];

    public RoutesPointer? Pointer { get; set; }

    public int PointerWrites { get; private set; }

    public IReadOnlyDictionary<string, string> Configs
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, string>(_configs);
            }
        }
    }

    public Task PutConfigAsync(string key, string text, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_configs.TryAdd(key, text))
            {
                throw new InvalidOperationException("config object " + key + " written twice");
            }
        }

        return Task.CompletedTask;
    }

    public Task<RoutesPointer?> GetPointerAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(Pointer);
        }
    }

    public Task PutPointerAsync(RoutesPointer current, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Pointer = current;
            PointerWrites++;
        }

        return Task.CompletedTask;
    }
}
