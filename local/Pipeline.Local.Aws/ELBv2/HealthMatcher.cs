namespace Pipeline.Local.Aws.ELBv2;

/// <summary>ELB's Matcher.HttpCode: "200", "200,202" or "200-299".</summary>
internal sealed class HealthMatcher(IReadOnlyList<(int Low, int High)> ranges)
{
    public bool Matches(int code) => ranges.Any(r => code >= r.Low && code <= r.High);

    public static HealthMatcher Parse(string text)
    {
        var ranges = new List<(int, int)>();
        foreach (var part in text.Split(','))
        {
            var bounds = part.Split('-');
            if (bounds.Length is < 1 or > 2 || !bounds.All(b => int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c is >= 200 and <= 499))
            {
                throw ElasticLoadBalancingException.Validation($"Matcher.HttpCode '{text}' must be codes 200-499 as '200', '200,202' or '200-299'");
            }

            var low = int.Parse(bounds[0], CultureInfo.InvariantCulture);
            ranges.Add((low, bounds.Length == 2 ? int.Parse(bounds[1], CultureInfo.InvariantCulture) : low));
        }

        return new HealthMatcher(ranges);
    }
}
