namespace Pipeline.Dashboard;

/// <summary>One line of a diff: ' ' kept, '-' only in the old text, '+' only in the new one.</summary>
public sealed record DiffLine(char Op, string Text);

/// <summary>A line diff by longest common subsequence: haproxy.cfg is a few hundred lines, so the quadratic table is small.</summary>
public static class LineDiff
{
    public const int MaxLines = 5000;

    public static IReadOnlyList<DiffLine> Compute(string before, string after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var a = Lines(before);
        var b = Lines(after);
        if (a.Length > MaxLines || b.Length > MaxLines)
        {
            return [.. a.Select(l => new DiffLine('-', l)), .. b.Select(l => new DiffLine('+', l))];
        }

        var common = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                common[i, j] = a[i] == b[j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
            }
        }

        var diff = new List<DiffLine>();
        int x = 0, y = 0;
        while (x < a.Length && y < b.Length)
        {
            if (a[x] == b[y])
            {
                diff.Add(new DiffLine(' ', a[x++]));
                y++;
            }
            else if (common[x + 1, y] >= common[x, y + 1])
            {
                diff.Add(new DiffLine('-', a[x++]));
            }
            else
            {
                diff.Add(new DiffLine('+', b[y++]));
            }
        }

        diff.AddRange(a[x..].Select(l => new DiffLine('-', l)));
        diff.AddRange(b[y..].Select(l => new DiffLine('+', l)));
        return diff;
    }

    private static string[] Lines(string text) => text.Length == 0 ? [] : text.TrimEnd('\n').Split('\n');
}
