namespace Pipeline.Core.Labels;

/// <summary>
/// Orders labels the way people read versions: runs of digits compare as numbers, so
/// <c>1.4.9-…</c> comes before <c>1.4.10-…</c>. For a template whose <c>${COUNT}</c> comes
/// before any <c>${git}</c>, this order is the order the counter allocated them in.
/// </summary>
public sealed class VersionLabelComparer : IComparer<string>
{
    public static VersionLabelComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
            {
                var xEnd = DigitsEnd(x, i);
                var yEnd = DigitsEnd(y, j);
                var byNumber = CompareNumbers(x[i..xEnd], y[j..yEnd]);
                if (byNumber != 0)
                {
                    return byNumber;
                }

                i = xEnd;
                j = yEnd;
                continue;
            }

            var byChar = x[i].CompareTo(y[j]);
            if (byChar != 0)
            {
                return byChar;
            }

            i++;
            j++;
        }

        return (x.Length - i).CompareTo(y.Length - j);
    }

    private static int DigitsEnd(string s, int start)
    {
        while (start < s.Length && char.IsAsciiDigit(s[start]))
        {
            start++;
        }

        return start;
    }

    private static int CompareNumbers(string a, string b)
    {
        a = a.TrimStart('0');
        b = b.TrimStart('0');
        return a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);
    }
}
