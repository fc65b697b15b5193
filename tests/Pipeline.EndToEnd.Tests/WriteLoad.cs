using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// Offers PutItem calls of one write unit each at a set rate (open loop: a slow moment is not made up
/// with a burst afterwards) through a client that never retries, and records when each call was
/// served or throttled. Other failures are counted too, so a broken endpoint is not mistaken for
/// "no throttles".
/// </summary>
internal sealed class WriteLoad : IAsyncDisposable
{
    private const int MaxInFlight = 32;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);

    private readonly IAmazonDynamoDB _client;
    private readonly string _table;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _inFlight = new(MaxInFlight);
    private readonly List<(TimeSpan At, Outcome Outcome)> _calls = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _loop;
    private double _perSecond;

    public WriteLoad(IAmazonDynamoDB client, string table)
    {
        _client = client;
        _table = table;
        _loop = Task.Run(RunAsync);
    }

    public enum Outcome
    {
        Served,
        Throttled,
        Failed,
    }

    /// <summary>Real time since the load was created: the timeline the counts below use.</summary>
    public TimeSpan Now => _clock.Elapsed;

    /// <summary>Writes per real second to offer from now on (0 stops the load).</summary>
    public double PerSecond
    {
        get => Volatile.Read(ref _perSecond);
        set => Volatile.Write(ref _perSecond, value);
    }

    public string? LastFailure { get; private set; }

    public int Count(Outcome outcome, TimeSpan from, TimeSpan? to = null)
    {
        lock (_calls)
        {
            return _calls.Count(c => c.Outcome == outcome && c.At >= from && c.At < (to ?? TimeSpan.MaxValue));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        for (var i = 0; i < MaxInFlight; i++)
        {
            await _inFlight.WaitAsync();
        }

        _stop.Dispose();
        _inFlight.Dispose();
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(Tick);
        var last = _clock.Elapsed;
        var owed = 0.0;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var now = _clock.Elapsed;
                // A stall (GC, a starved core) is not caught up: at most two ticks' worth at once.
                owed = Math.Min(owed + (PerSecond * (now - last).TotalSeconds), PerSecond * Tick.TotalSeconds * 2);
                last = now;
                for (; owed >= 1 && _inFlight.Wait(0); owed--)
                {
                    _ = PutAsync();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private async Task PutAsync()
    {
        Outcome outcome;
        try
        {
            await _client.PutItemAsync(new PutItemRequest
            {
                TableName = _table,
                Item = new() { ["pk"] = new AttributeValue(Guid.NewGuid().ToString("N")), ["payload"] = new AttributeValue("x") },
            });
            outcome = Outcome.Served;
        }
        catch (ProvisionedThroughputExceededException)
        {
            outcome = Outcome.Throttled;
        }
        catch (Exception e)
        {
            outcome = Outcome.Failed;
            LastFailure = $"{e.GetType().Name}: {e.Message}";
        }
        finally
        {
            _inFlight.Release();
        }

        lock (_calls)
        {
            _calls.Add((_clock.Elapsed, outcome));
        }
    }
}
