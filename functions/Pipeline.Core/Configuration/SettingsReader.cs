namespace Pipeline.Core.Configuration;

/// <summary>
/// Reads settings from a lookup (the process environment at the edge, a dictionary in tests) and
/// remembers every name asked for, so a test can compare what a function reads with what
/// template.yaml declares for it.
/// </summary>
public sealed class SettingsReader(Func<string, string?> lookup)
{
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    /// <summary>Every variable name read so far.</summary>
    public IReadOnlySet<string> Read => _read;

    public string Required(string name) =>
        Optional(name) ?? throw new SettingInvalidException(name, "is not set");

    public string? Optional(string name)
    {
        _read.Add(name);
        return lookup(name) is { Length: > 0 } value ? value : null;
    }

    /// <summary>A whole number from <paramref name="minimum"/> to <paramref name="maximum"/>; <paramref name="fallback"/> when unset (null: required).</summary>
    public int WholeNumber(string name, int minimum, int? fallback = null, int maximum = int.MaxValue)
    {
        var text = fallback is null ? Required(name) : Optional(name);
        if (text is null)
        {
            return fallback!.Value;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum && value <= maximum
            ? value
            : throw new SettingInvalidException(name, maximum == int.MaxValue
                ? $"must be a whole number of at least {minimum}, got '{text}'"
                : $"must be a whole number from {minimum} to {maximum}, got '{text}'");
    }
}
