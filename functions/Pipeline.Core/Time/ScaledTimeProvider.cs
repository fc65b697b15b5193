namespace Pipeline.Core.Time;

/// <summary>
/// A clock that runs <see cref="Scale"/> times faster than the real one from <see cref="Origin"/> on:
/// at real time <c>t</c> it reads <c>Origin + (t - Origin) * Scale</c>, and its timers fire after the
/// scaled-down real delay. The local stack hands the same origin and scale to every process that
/// keeps DynamoDB's time (the metering proxy, the scheduler, ScaleTables), so a test or a demo sees
/// minutes of metrics, schedule ticks and decrease-quota hours in seconds while all of them agree on
/// what time it is. On AWS nothing sets it and the system clock is used.
/// </summary>
public sealed class ScaledTimeProvider : TimeProvider
{
    /// <summary>The origin as Unix epoch milliseconds.</summary>
    public const string OriginVariable = "PIPELINE_CLOCK_ORIGIN";

    /// <summary>How many seconds of this clock pass in one real second.</summary>
    public const string ScaleVariable = "PIPELINE_CLOCK_SCALE";

    private readonly TimeProvider _real;
    private readonly long _originTimestamp;

    public ScaledTimeProvider(DateTimeOffset origin, double scale, TimeProvider? real = null)
    {
        if (!double.IsFinite(scale) || scale <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "the time scale must be a positive number");
        }

        Origin = origin;
        Scale = scale;
        _real = real ?? System;
        _originTimestamp = _real.GetTimestamp();
    }

    public DateTimeOffset Origin { get; }

    public double Scale { get; }

    public override TimeZoneInfo LocalTimeZone => _real.LocalTimeZone;

    public override long TimestampFrequency => _real.TimestampFrequency;

    /// <summary>
    /// The clock the two settings describe: the system clock when neither is set, a scaled one when both are.
    /// </summary>
    public static TimeProvider FromSettings(string? origin, string? scale)
    {
        if (origin is null && scale is null)
        {
            return System;
        }

        if (!long.TryParse(origin, NumberStyles.Integer, CultureInfo.InvariantCulture, out var originMs))
        {
            throw new InvalidOperationException($"{OriginVariable} must be Unix epoch milliseconds when {ScaleVariable} is set, got '{origin}'.");
        }

        if (!double.TryParse(scale, NumberStyles.Float, CultureInfo.InvariantCulture, out var factor) || !double.IsFinite(factor) || factor <= 0)
        {
            throw new InvalidOperationException($"{ScaleVariable} must be a positive number when {OriginVariable} is set, got '{scale}'.");
        }

        return factor == 1 ? System : new ScaledTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(originMs), factor);
    }

    /// <summary>The two settings that recreate this clock in another process.</summary>
    public IReadOnlyDictionary<string, string> ToSettings() => new Dictionary<string, string>
    {
        [OriginVariable] = Origin.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        [ScaleVariable] = Scale.ToString("R", CultureInfo.InvariantCulture),
    };

    public override DateTimeOffset GetUtcNow() => Origin + ((_real.GetUtcNow() - Origin) * Scale);

    public override long GetTimestamp() => _originTimestamp + (long)((_real.GetTimestamp() - _originTimestamp) * Scale);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new ScaledTimer(_real.CreateTimer(callback, state, Real(dueTime), Real(period)), this);

    private TimeSpan Real(TimeSpan scaled) => scaled == Timeout.InfiniteTimeSpan ? scaled : scaled / Scale;

    private sealed class ScaledTimer(ITimer real, ScaledTimeProvider clock) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => real.Change(clock.Real(dueTime), clock.Real(period));

        public void Dispose() => real.Dispose();

        public ValueTask DisposeAsync() => real.DisposeAsync();
    }
}
