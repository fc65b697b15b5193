namespace Pipeline.Local.Aws.Scheduler;

/// <summary>An EventBridge schedule expression: <c>rate(5 minutes)</c> or <c>cron(0 12 * * ? *)</c>, in UTC.</summary>
public abstract class ScheduleExpression
{
    public abstract string Text { get; }

    /// <summary>
    /// The first firing strictly after <paramref name="after"/>; <paramref name="anchor"/> is when
    /// the rule was created, which a rate counts from. Null when the schedule never fires again.
    /// </summary>
    public abstract DateTimeOffset? NextAfter(DateTimeOffset after, DateTimeOffset anchor);

    public static ScheduleExpression Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.StartsWith("rate(", StringComparison.Ordinal) && trimmed.EndsWith(')'))
        {
            return RateExpression.Parse(trimmed, trimmed[5..^1]);
        }

        if (trimmed.StartsWith("cron(", StringComparison.Ordinal) && trimmed.EndsWith(')'))
        {
            return CronExpression.Parse(trimmed, trimmed[5..^1]);
        }

        throw new ScheduleExpressionInvalidException($"'{text}': a schedule expression is rate(value unit) or cron(6 fields)");
    }
}

/// <summary><c>rate(value unit)</c>: every value minutes, hours or days from the rule's creation.</summary>
public sealed class RateExpression : ScheduleExpression
{
    private RateExpression(string text, TimeSpan period)
    {
        Text = text;
        Period = period;
    }

    public override string Text { get; }

    public TimeSpan Period { get; }

    internal static RateExpression Parse(string text, string body)
    {
        var parts = body.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
        {
            throw new ScheduleExpressionInvalidException($"'{text}': the value of a rate must be a whole number of at least 1");
        }

        // EventBridge insists on the singular for 1 and the plural otherwise.
        var unit = parts[1];
        var expected = value == 1 ? unit is "minute" or "hour" or "day" : unit is "minutes" or "hours" or "days";
        if (!expected)
        {
            throw new ScheduleExpressionInvalidException(
                $"'{text}': the unit must be {(value == 1 ? "minute, hour or day" : "minutes, hours or days")} for the value {value}");
        }

        var period = unit.TrimEnd('s') switch
        {
            "minute" => TimeSpan.FromMinutes(value),
            "hour" => TimeSpan.FromHours(value),
            _ => TimeSpan.FromDays(value),
        };
        return new RateExpression(text, period);
    }

    public override DateTimeOffset? NextAfter(DateTimeOffset after, DateTimeOffset anchor)
    {
        if (after < anchor)
        {
            return anchor + Period;
        }

        var periods = (after - anchor).Ticks / Period.Ticks + 1;
        return anchor + TimeSpan.FromTicks(Period.Ticks * periods);
    }
}
