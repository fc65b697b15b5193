namespace Pipeline.Core.Naming;

/// <summary>An AWS region code such as <c>us-east-1</c> or <c>us-gov-west-1</c>: it goes into clone URLs.</summary>
public static class AwsRegion
{
    public static bool IsValid(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 32)
        {
            return false;
        }

        var parts = value.Split('-');
        return parts.Length >= 3
            && parts[0].Length == 2 && parts[0].All(char.IsAsciiLetterLower)
            && parts[1..^1].All(p => p.Length > 0 && p.All(char.IsAsciiLetterLower))
            && parts[^1].Length is 1 or 2 && parts[^1].All(char.IsAsciiDigit);
    }
}
