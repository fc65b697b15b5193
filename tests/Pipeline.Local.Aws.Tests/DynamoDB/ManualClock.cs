namespace Pipeline.Local.Aws.Tests.DynamoDB;

/// <summary>A clock the test moves by hand: quota hours and metered minutes without waiting.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
