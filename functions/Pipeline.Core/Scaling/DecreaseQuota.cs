namespace Pipeline.Core.Scaling;

/// <summary>
/// DynamoDB's daily quota of capacity decreases for one table or one global secondary index, as a
/// token bucket: 4 decreases are banked at the start of each UTC day, one more arrives at each UTC
/// hour boundary, at most 4 are ever banked, and at most 27 are made in a UTC day (4 + 23 hourly
/// refills). The table and each index have their own bucket.
/// </summary>
/// <remarks>
/// This type is the exact rule, usable by whoever sees every decrease (the simulator and the local
/// metering proxy). A function that only sees DescribeTable's <c>NumberOfDecreasesToday</c> and
/// <c>LastDecreaseDateTime</c> uses <see cref="SafeAvailable"/>, which never overestimates it.
/// </remarks>
public sealed class DecreaseQuota
{
    public const int Banked = 4;
    public const int PerDay = 27;

    private DateOnly _day;
    private int _hour;
    private int _tokens;

    public DecreaseQuota(DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        _day = DateOnly.FromDateTime(utc);
        _hour = utc.Hour;
        _tokens = Banked;
    }

    private int _decreasesToday;
    private DateTimeOffset? _lastDecrease;

    /// <summary>What DescribeTable reports at <paramref name="now"/>: decreases made this UTC day and the last one's time.</summary>
    public (int DecreasesToday, DateTimeOffset? LastDecrease) Today(DateTimeOffset now)
    {
        Advance(now);
        return (_decreasesToday, _lastDecrease);
    }

    /// <summary>How many decreases may be made at <paramref name="now"/> (0 to 4).</summary>
    public int Available(DateTimeOffset now)
    {
        Advance(now);
        return Math.Min(_tokens, PerDay - _decreasesToday);
    }

    /// <summary>Spends one decrease if the quota allows it; false (and nothing spent) otherwise.</summary>
    public bool TryDecrease(DateTimeOffset now)
    {
        if (Available(now) == 0)
        {
            return false;
        }

        _tokens--;
        _decreasesToday++;
        _lastDecrease = now;
        return true;
    }

    private void Advance(DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        var day = DateOnly.FromDateTime(utc);
        if (day < _day || (day == _day && utc.Hour < _hour))
        {
            throw new ArgumentOutOfRangeException(nameof(now), now, "the quota cannot go back in time");
        }

        if (day > _day)
        {
            _day = day;
            _hour = 0;
            _tokens = Banked;
            _decreasesToday = 0;
            _lastDecrease = null;
        }

        _tokens = Math.Min(Banked, _tokens + (utc.Hour - _hour));
        _hour = utc.Hour;
    }

    /// <summary>
    /// A lower bound of <see cref="Available"/> from what DescribeTable reports. Right after the last
    /// decrease at least <c>max(0, 4 - n)</c> tokens were left (refills can only add to that, the cap
    /// can only take away what refills brought), and every hour boundary since then added one, up to 4.
    /// Exact when all of today's decreases happened in the same clock hour.
    /// </summary>
    public static int SafeAvailable(int decreasesToday, DateTimeOffset? lastDecrease, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(decreasesToday);
        if (decreasesToday == 0)
        {
            return Banked;
        }

        var utc = now.UtcDateTime;
        if (lastDecrease is not { } last || DateOnly.FromDateTime(last.UtcDateTime) != DateOnly.FromDateTime(utc))
        {
            // A count without a time from today contradicts itself: trust only what the count allows.
            return Math.Max(0, Banked - decreasesToday);
        }

        if (last > now)
        {
            return 0;
        }

        var refills = utc.Hour - last.UtcDateTime.Hour;
        var left = Math.Max(0, Banked - decreasesToday);
        return Math.Max(0, Math.Min(Math.Min(Banked, left + refills), PerDay - decreasesToday));
    }
}
