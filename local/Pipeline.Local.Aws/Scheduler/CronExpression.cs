namespace Pipeline.Local.Aws.Scheduler;

/// <summary>
/// EventBridge's six-field cron: minutes, hours, day-of-month, month, day-of-week, year, in UTC,
/// with <c>, - * /</c> everywhere, <c>? L W</c> in day-of-month, <c>? L #</c> in day-of-week
/// (1 = SUN ... 7 = SAT), and exactly one of the two day fields set to <c>?</c>.
/// </summary>
public sealed class CronExpression : ScheduleExpression
{
    private readonly CronField _minutes;
    private readonly CronField _hours;
    private readonly DayOfMonthField? _dayOfMonth;
    private readonly CronField _months;
    private readonly DayOfWeekField? _dayOfWeek;
    private readonly CronField _years;

    private CronExpression(string text, string[] fields)
    {
        Text = text;
        _minutes = CronField.Parse(fields[0], "Minutes", 0, 59, null, text);
        _hours = CronField.Parse(fields[1], "Hours", 0, 23, null, text);
        _months = CronField.Parse(fields[3], "Month", 1, 12, CronField.MonthNames, text);
        _years = CronField.Parse(fields[5], "Year", 1970, 2199, null, text);
        var domAny = fields[2] == "?";
        var dowAny = fields[4] == "?";
        if (domAny == dowAny)
        {
            throw new ScheduleExpressionInvalidException(
                $"'{text}': exactly one of Day-of-month and Day-of-week must be '?'");
        }

        _dayOfMonth = domAny ? null : DayOfMonthField.Parse(fields[2], text);
        _dayOfWeek = dowAny ? null : DayOfWeekField.Parse(fields[4], text);
    }

    public override string Text { get; }

    internal static CronExpression Parse(string text, string body)
    {
        var fields = body.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length == 6
            ? new CronExpression(text, fields)
            : throw new ScheduleExpressionInvalidException(
                $"'{text}': cron needs 6 fields (Minutes Hours Day-of-month Month Day-of-week Year), got {fields.Length}");
    }

    public override DateTimeOffset? NextAfter(DateTimeOffset after, DateTimeOffset anchor)
    {
        var start = after.UtcDateTime;
        start = new DateTime(start.Year, start.Month, start.Day, start.Hour, start.Minute, 0, DateTimeKind.Utc).AddMinutes(1);
        for (var day = start.Date; day.Year <= 2199; day = day.AddDays(1))
        {
            if (!_years.Contains(day.Year))
            {
                day = new DateTime(day.Year, 12, 31, 0, 0, 0, DateTimeKind.Utc);
                continue;
            }

            if (!_months.Contains(day.Month))
            {
                day = new DateTime(day.Year, day.Month, DateTime.DaysInMonth(day.Year, day.Month), 0, 0, 0, DateTimeKind.Utc);
                continue;
            }

            if (!(_dayOfMonth?.Contains(day) ?? _dayOfWeek!.Contains(day)))
            {
                continue;
            }

            var from = day == start.Date ? start.Hour * 60 + start.Minute : 0;
            for (var minuteOfDay = from; minuteOfDay < 24 * 60; minuteOfDay++)
            {
                if (_hours.Contains(minuteOfDay / 60) && _minutes.Contains(minuteOfDay % 60))
                {
                    return new DateTimeOffset(day.AddMinutes(minuteOfDay), TimeSpan.Zero);
                }
            }
        }

        return null;
    }
}
