using Microsoft.Extensions.Time.Testing;
using Pipeline.Core.Time;

namespace Pipeline.Core.Tests.Time;

public sealed class ScaledTimeProviderTests
{
    private static readonly DateTimeOffset Origin = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _real = new(Origin);

    [Fact]
    public void GetUtcNow_WhenRealTimePasses_ShouldRunScaleTimesFasterFromTheOrigin()
    {
        var clock = new ScaledTimeProvider(Origin, 10, _real);
        var start = clock.GetTimestamp();

        _real.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal(Origin.AddMinutes(1), clock.GetUtcNow());
        Assert.Equal(TimeSpan.FromMinutes(1), clock.GetElapsedTime(start));
    }

    [Fact]
    public async Task Delay_WhenAScaledMinuteIsAsked_ShouldCompleteAfterTheScaledDownRealDelay()
    {
        var clock = new ScaledTimeProvider(Origin, 10, _real);

        var delay = Task.Delay(TimeSpan.FromMinutes(1), clock);
        _real.Advance(TimeSpan.FromSeconds(5.9));
        Assert.False(delay.IsCompleted);
        _real.Advance(TimeSpan.FromSeconds(0.1));

        await delay.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(Origin.AddMinutes(1), clock.GetUtcNow());
    }

    [Fact]
    public void FromSettings_WhenNeitherIsSet_ShouldBeTheSystemClock()
    {
        Assert.Same(TimeProvider.System, ScaledTimeProvider.FromSettings(null, null));
    }

    [Fact]
    public void FromSettings_WhenGivenWhatToSettingsWrote_ShouldBeTheSameClock()
    {
        var settings = new ScaledTimeProvider(Origin, 12.5).ToSettings();

        var clock = Assert.IsType<ScaledTimeProvider>(ScaledTimeProvider.FromSettings(
            settings[ScaledTimeProvider.OriginVariable], settings[ScaledTimeProvider.ScaleVariable]));

        Assert.Equal(Origin, clock.Origin);
        Assert.Equal(12.5, clock.Scale);
    }

    [Theory]
    [InlineData("1772445600000", null, ScaledTimeProvider.ScaleVariable)]
    [InlineData(null, "10", ScaledTimeProvider.OriginVariable)]
    [InlineData("1772445600000", "-2", ScaledTimeProvider.ScaleVariable)]
    [InlineData("yesterday", "10", ScaledTimeProvider.OriginVariable)]
    public void FromSettings_WhenOneIsMissingOrInvalid_ShouldNameIt(string? origin, string? scale, string named)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ScaledTimeProvider.FromSettings(origin, scale));

        Assert.StartsWith(named, error.Message, StringComparison.Ordinal);
    }
}
