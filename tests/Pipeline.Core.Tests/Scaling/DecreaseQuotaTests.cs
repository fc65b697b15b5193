using Pipeline.Core.Scaling;

namespace Pipeline.Core.Tests.Scaling;

public class DecreaseQuotaTests
{
    private static readonly DateTimeOffset Midnight = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Available_AtStartOfUtcDay_ShouldBeFour()
    {
        Assert.Equal(4, new DecreaseQuota(Midnight).Available(Midnight));
    }

    [Fact]
    public void TryDecrease_WhenFourSpentInFirstHour_ShouldRefuseUntilNextHour()
    {
        var quota = new DecreaseQuota(Midnight);
        for (var i = 0; i < 4; i++)
        {
            Assert.True(quota.TryDecrease(Midnight.AddMinutes(i)));
        }

        Assert.False(quota.TryDecrease(Midnight.AddMinutes(59)));
        Assert.True(quota.TryDecrease(Midnight.AddMinutes(60)));
        Assert.False(quota.TryDecrease(Midnight.AddMinutes(61)));
        Assert.Equal((5, Midnight.AddMinutes(60)), quota.Today(Midnight.AddMinutes(61)));
    }

    [Fact]
    public void Available_AfterIdleHours_ShouldNeverBankMoreThanFour()
    {
        var quota = new DecreaseQuota(Midnight);
        Assert.True(quota.TryDecrease(Midnight));
        Assert.Equal(4, quota.Available(Midnight.AddHours(10)));
    }

    [Fact]
    public void TryDecrease_WhenTriedEveryMinuteOfADay_ShouldSucceed27Times()
    {
        var quota = new DecreaseQuota(Midnight);
        var made = 0;
        for (var minute = 0; minute < 1440; minute++)
        {
            made += quota.TryDecrease(Midnight.AddMinutes(minute)) ? 1 : 0;
        }

        Assert.Equal(DecreaseQuota.PerDay, made);
        Assert.Equal(27, quota.Today(Midnight.AddMinutes(1439)).DecreasesToday);
    }

    [Fact]
    public void Available_AtNextUtcDay_ShouldResetToFourAndCountZero()
    {
        var quota = new DecreaseQuota(Midnight);
        for (var i = 0; i < 4; i++)
        {
            quota.TryDecrease(Midnight.AddHours(23).AddMinutes(i));
        }

        var tomorrow = Midnight.AddDays(1);
        Assert.Equal(4, quota.Available(tomorrow));
        Assert.Equal((0, (DateTimeOffset?)null), quota.Today(tomorrow));
    }

    [Fact]
    public void SafeAvailable_WhenAllDecreasesInOneHour_ShouldMatchTheExactQuota()
    {
        var quota = new DecreaseQuota(Midnight);
        quota.TryDecrease(Midnight.AddMinutes(5));
        quota.TryDecrease(Midnight.AddMinutes(9));
        var now = Midnight.AddMinutes(30);
        var (count, last) = quota.Today(now);
        Assert.Equal(quota.Available(now), DecreaseQuota.SafeAvailable(count, last, now));
        Assert.Equal(2, DecreaseQuota.SafeAvailable(count, last, now));
    }

    [Fact]
    public void SafeAvailable_ForAnyHistory_ShouldNeverExceedTheExactQuota()
    {
        // A day of decrease attempts at random minutes; after each, what DescribeTable would show
        // must never promise more than the quota really holds.
        Gen.Int[0, 1439].Array[0, 60].Sample(minutes =>
        {
            Array.Sort(minutes);
            var quota = new DecreaseQuota(Midnight);
            foreach (var minute in minutes)
            {
                var now = Midnight.AddMinutes(minute);
                var (count, last) = quota.Today(now);
                var safe = DecreaseQuota.SafeAvailable(count, last, now);
                if (safe > quota.Available(now))
                {
                    return false;
                }

                quota.TryDecrease(now);
            }

            return true;
        });
    }

    [Fact]
    public void Available_WhenTimeGoesBackwards_ShouldThrow()
    {
        var quota = new DecreaseQuota(Midnight.AddHours(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => quota.Available(Midnight.AddHours(4)));
    }
}
