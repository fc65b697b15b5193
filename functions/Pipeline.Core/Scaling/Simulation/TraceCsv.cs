namespace Pipeline.Core.Scaling.Simulation;

/// <summary>
/// Reads a demand trace: header <c>minute,read,write</c>, then one row per minute numbered from 0
/// without gaps; read and write are units per second, finite and not negative.
/// </summary>
public static class TraceCsv
{
    public const string Header = "minute,read,write";

    /// <exception cref="FormatException">Names the line and the field that is wrong.</exception>
    public static IReadOnlyList<TraceMinute> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n');
        if (lines.Length == 0 || lines[0].Trim().TrimStart('\uFEFF') != Header)
        {
            throw new FormatException($"trace line 1: expected the header '{Header}'");
        }

        var trace = new List<TraceMinute>();
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var fields = line.Split(',');
            if (fields.Length != 3)
            {
                throw new FormatException($"trace line {i + 1}: expected 3 fields (minute,read,write), got {fields.Length}");
            }

            if (!int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var minute) || minute != trace.Count)
            {
                throw new FormatException($"trace line {i + 1}: field 'minute' must be {trace.Count} (consecutive from 0), got '{fields[0]}'");
            }

            trace.Add(new TraceMinute(Rate(fields[1], "read", i + 1), Rate(fields[2], "write", i + 1)));
        }

        return trace;
    }

    private static double Rate(string field, string name, int line)
    {
        if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value < 0)
        {
            throw new FormatException($"trace line {line}: field '{name}' must be a non-negative number of units per second, got '{field}'");
        }

        return value;
    }
}
