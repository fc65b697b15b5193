using System.Globalization;
using Pipeline.Local.Aws.Scheduler;

namespace Pipeline.Local.Aws.Tests.Scheduler;

public sealed class ScheduleExpressionTests
{
    private static DateTimeOffset At(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    // Saturday 28 November 2026, 06:30 UTC.
    private const string Saturday = "2026-11-28T06:30:00Z";

    [Theory]
    [InlineData("cron(0 10 * * ? *)", Saturday, "2026-11-28T10:00:00Z")]
    [InlineData("cron(15 12 * * ? *)", Saturday, "2026-11-28T12:15:00Z")]
    [InlineData("cron(0 18 ? * MON-FRI *)", Saturday, "2026-11-30T18:00:00Z")]
    [InlineData("cron(0 8 1 * ? *)", Saturday, "2026-12-01T08:00:00Z")]
    [InlineData("cron(0/15 * * * ? *)", Saturday, "2026-11-28T06:45:00Z")]
    [InlineData("cron(0/10 * ? * MON-FRI *)", Saturday, "2026-11-30T00:00:00Z")]
    [InlineData("cron(0/5 8-17 ? * MON-FRI *)", Saturday, "2026-11-30T08:00:00Z")]
    [InlineData("cron(0 9 ? * 2#1 *)", Saturday, "2026-12-07T09:00:00Z")]
    [InlineData("cron(0 0 L * ? *)", Saturday, "2026-11-30T00:00:00Z")]
    [InlineData("cron(0 0 LW * ? *)", "2026-12-31T12:00:00Z", "2027-01-29T00:00:00Z")]
    [InlineData("cron(0 0 1W * ? *)", "2026-07-15T00:00:00Z", "2026-08-03T00:00:00Z")]
    [InlineData("cron(0 0 15W * ? *)", Saturday, "2026-12-15T00:00:00Z")]
    [InlineData("cron(0 0 ? * 6L *)", Saturday, "2026-12-25T00:00:00Z")]
    [InlineData("cron(0 0 ? * L *)", Saturday, "2026-12-05T00:00:00Z")]
    [InlineData("cron(30 6 ? * SAT *)", Saturday, "2026-12-05T06:30:00Z")]
    [InlineData("cron(0 12 * * ? 2030)", Saturday, "2030-01-01T12:00:00Z")]
    [InlineData("cron(0 0 29 2 ? *)", Saturday, "2028-02-29T00:00:00Z")]
    [InlineData("cron(0 0 1,15 JAN,JUL ? 2027-2028)", Saturday, "2027-01-01T00:00:00Z")]
    [InlineData("cron(5/20 3 * * ? *)", Saturday, "2026-11-29T03:05:00Z")]
    [InlineData("cron(0 0 ? * 1 *)", Saturday, "2026-11-29T00:00:00Z")]
    public void NextAfter_WhenCronIsDocumentedExample_ShouldFireAtTheNextMatchingMinute(string expression, string after, string expected) =>
        Assert.Equal(At(expected), ScheduleExpression.Parse(expression).NextAfter(At(after), At(after)));

    [Fact]
    public void NextAfter_WhenCronYearHasPassed_ShouldNeverFire() =>
        Assert.Null(ScheduleExpression.Parse("cron(0 0 * * ? 2020)").NextAfter(At(Saturday), At(Saturday)));

    [Theory]
    [InlineData("rate(1 minute)", 1)]
    [InlineData("rate(5 minutes)", 5)]
    [InlineData("rate(1 hour)", 60)]
    [InlineData("rate(12 hours)", 720)]
    [InlineData("rate(1 day)", 1440)]
    [InlineData("rate(7 days)", 10080)]
    public void NextAfter_WhenRate_ShouldCountFromTheAnchor(string expression, int minutes)
    {
        var anchor = At("2026-11-28T06:00:20Z");
        var rate = ScheduleExpression.Parse(expression);

        Assert.Equal(anchor.AddMinutes(minutes), rate.NextAfter(anchor, anchor));
        Assert.Equal(anchor.AddMinutes(2 * minutes), rate.NextAfter(anchor.AddMinutes(minutes), anchor));
        Assert.Equal(anchor.AddMinutes(3 * minutes), rate.NextAfter(anchor.AddMinutes(2.5 * minutes), anchor));
    }

    [Theory]
    [InlineData("rate(1 minutes)", "must be minute, hour or day for the value 1")]
    [InlineData("rate(5 minute)", "must be minutes, hours or days for the value 5")]
    [InlineData("rate(0 minutes)", "at least 1")]
    [InlineData("rate(5 weeks)", "must be minutes, hours or days")]
    [InlineData("every 5 minutes", "a schedule expression is rate(value unit) or cron(6 fields)")]
    [InlineData("cron(0 10 * * *)", "cron needs 6 fields")]
    [InlineData("cron(0 10 * * * *)", "exactly one of Day-of-month and Day-of-week must be '?'")]
    [InlineData("cron(0 10 ? * ? *)", "exactly one of Day-of-month and Day-of-week must be '?'")]
    [InlineData("cron(60 10 * * ? *)", "Minutes value 60 is outside 0-59")]
    [InlineData("cron(0 24 * * ? *)", "Hours value 24 is outside 0-23")]
    [InlineData("cron(0 0 32 * ? *)", "Day-of-month value 32 is outside 1-31")]
    [InlineData("cron(0 0 ? FOO * *)", "Month has an invalid entry 'FOO'")]
    [InlineData("cron(0 0 ? * 8 *)", "Day-of-week value 8 is outside 1-7")]
    [InlineData("cron(0 0 ? * 2#6 *)", "value 6 is outside 1-5")]
    [InlineData("cron(0 0 * * ? 1969)", "Year value 1969 is outside 1970-2199")]
    [InlineData("cron(0 10-5 * * ? *)", "Hours range '10-5' runs backwards")]
    [InlineData("cron(0 0 5L * ? *)", "Day-of-month has an invalid entry '5L'")]
    public void Parse_WhenExpressionIsInvalid_ShouldSayWhy(string expression, string expected)
    {
        var error = Assert.Throws<ScheduleExpressionInvalidException>(() => ScheduleExpression.Parse(expression));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
