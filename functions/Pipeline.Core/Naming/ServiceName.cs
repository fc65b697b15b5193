namespace Pipeline.Core.Naming;

/// <summary>
/// The one grammar for a service's name, which triggers (repository names) and service.yaml share.
/// A name becomes a DNS label (host names, HAProxy backends), part of DynamoDB table names, an S3 key
/// segment, an EC2 tag value and, shortened, an ELBv2 target group name, so it keeps to what all of
/// them accept: lower-case letters, digits and '-', starting with a letter, not ending with '-',
/// at most 32 characters.
/// </summary>
public static class ServiceName
{
    public const int MaxLength = 32;

    public const string Rule =
        "lower-case letters, digits and '-', starting with a letter, not ending with '-', at most 32 characters";

    public static bool IsValid(string? value) => Problem(value) is null;

    /// <summary>Why <paramref name="value"/> is not a service name, or null when it is one.</summary>
    public static string? Problem(string? value)
    {
        if (Characters.HasLengthProblem(value, MaxLength, out var problem))
        {
            return problem;
        }

        if (Characters.FirstRefused(value, c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') is { } bad)
        {
            return char.IsAsciiLetterUpper(bad)
                ? $"has upper-case {Shown.Character(bad)}; use lower case"
                : $"has {Shown.Character(bad)}";
        }

        if (!char.IsAsciiLetterLower(value[0]))
        {
            return "must start with a letter";
        }

        return value[^1] == '-' ? "must not end with '-'" : null;
    }
}
