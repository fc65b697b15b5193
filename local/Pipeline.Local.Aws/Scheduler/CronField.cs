namespace Pipeline.Local.Aws.Scheduler;

/// <summary>A cron field of plain values: lists, ranges, steps and <c>*</c>.</summary>
internal sealed class CronField
{
    public static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    public static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private readonly HashSet<int> _values;

    private CronField(HashSet<int> values) => _values = values;

    public bool Contains(int value) => _values.Contains(value);

    public static CronField Parse(string text, string field, int min, int max, string[]? names, string expression)
    {
        var values = new HashSet<int>();
        foreach (var part in text.Split(','))
        {
            values.UnionWith(Part(part, field, min, max, names, expression));
        }

        return new CronField(values);
    }

    private static IEnumerable<int> Part(string part, string field, int min, int max, string[]? names, string expression)
    {
        var (range, step) = part.Split('/') switch
        {
            [var r] => (r, 1),
            [var r, var s] => (r, Number(s, field, 1, max, null, expression)),
            _ => throw Invalid(expression, field, part),
        };
        var (low, high) = range switch
        {
            "*" => (min, max),
            _ when range.Split('-') is [var a, var b] => (Number(a, field, min, max, names, expression), Number(b, field, min, max, names, expression)),
            // "5/10" means from 5 to the end in steps of 10.
            _ => (Number(range, field, min, max, names, expression), part.Contains('/', StringComparison.Ordinal) ? max : -1),
        };
        if (high == -1)
        {
            high = low;
        }

        if (high < low)
        {
            throw new ScheduleExpressionInvalidException($"'{expression}': {field} range '{part}' runs backwards");
        }

        for (var v = low; v <= high; v += step)
        {
            yield return v;
        }
    }

    public static int Number(string text, string field, int min, int max, string[]? names, string expression)
    {
        var named = names is null ? -1 : Array.IndexOf(names, text.ToUpperInvariant());
        var value = named >= 0 ? named + min
            : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
            : throw Invalid(expression, field, text);
        return value >= min && value <= max ? value
            : throw new ScheduleExpressionInvalidException($"'{expression}': {field} value {text} is outside {min}-{max}");
    }

    public static ScheduleExpressionInvalidException Invalid(string expression, string field, string part) =>
        new($"'{expression}': {field} has an invalid entry '{part}'");
}

/// <summary>Day-of-month: plain values, <c>L</c> (last day), <c>nW</c> (nearest weekday) and <c>LW</c>.</summary>
/// <param name="lastDay">L: the month's last day.</param>
internal sealed class DayOfMonthField(CronField? plain, bool lastDay, bool lastWeekday, int nearestWeekdayTo)
{
    public static DayOfMonthField Parse(string text, string expression) => text switch
    {
        "L" => new DayOfMonthField(null, true, false, 0),
        "LW" => new DayOfMonthField(null, false, true, 0),
        _ when text.EndsWith('W') => new DayOfMonthField(null, false, false, CronField.Number(text[..^1], "Day-of-month", 1, 31, null, expression)),
        _ when text.Contains('L', StringComparison.Ordinal) || text.Contains('W', StringComparison.Ordinal) =>
            throw CronField.Invalid(expression, "Day-of-month", text),
        _ => new DayOfMonthField(CronField.Parse(text, "Day-of-month", 1, 31, null, expression), false, false, 0),
    };

    public bool Contains(DateTime day)
    {
        var last = DateTime.DaysInMonth(day.Year, day.Month);
        if (plain is not null)
        {
            return plain.Contains(day.Day);
        }

        if (lastDay)
        {
            return day.Day == last;
        }

        var target = lastWeekday ? last : Math.Min(nearestWeekdayTo, last);
        return day.Day == NearestWeekday(day.Year, day.Month, target, last);
    }

    // The weekday nearest the target, never leaving the month (the 1st on a Saturday gives Monday the 3rd).
    private static int NearestWeekday(int year, int month, int target, int last)
    {
        var weekday = new DateTime(year, month, target, 0, 0, 0, DateTimeKind.Utc).DayOfWeek;
        return weekday switch
        {
            DayOfWeek.Saturday => target == 1 ? 3 : target - 1,
            DayOfWeek.Sunday => target == last ? target - 2 : target + 1,
            _ => target,
        };
    }
}

/// <summary>Day-of-week (1 = SUN): plain values, <c>L</c> (Saturday), <c>nL</c> (last n of the month), <c>n#k</c> (k-th n).</summary>
internal sealed class DayOfWeekField(CronField? plain, int lastOf, int nthDay, int nth)
{
    public static DayOfWeekField Parse(string text, string expression)
    {
        const string field = "Day-of-week";
        if (text == "L")
        {
            return new DayOfWeekField(CronField.Parse("7", field, 1, 7, CronField.DayNames, expression), 0, 0, 0);
        }

        if (text.Length > 1 && text.EndsWith('L'))
        {
            return new DayOfWeekField(null, CronField.Number(text[..^1], field, 1, 7, CronField.DayNames, expression), 0, 0);
        }

        if (text.Split('#') is [var day, var nth])
        {
            return new DayOfWeekField(
                null, 0, CronField.Number(day, field, 1, 7, CronField.DayNames, expression), CronField.Number(nth, field, 1, 5, null, expression));
        }

        return new DayOfWeekField(CronField.Parse(text, field, 1, 7, CronField.DayNames, expression), 0, 0, 0);
    }

    public bool Contains(DateTime day)
    {
        var weekday = (int)day.DayOfWeek + 1;
        if (plain is not null)
        {
            return plain.Contains(weekday);
        }

        if (lastOf != 0)
        {
            return weekday == lastOf && day.AddDays(7).Month != day.Month;
        }

        return weekday == nthDay && (day.Day - 1) / 7 + 1 == nth;
    }
}
