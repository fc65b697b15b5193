namespace Pipeline.Local.Aws.SSM;

/// <summary>
/// The local stand-in for SSM Parameter Store, holding the secrets services read at start
/// (<c>env: { X: { ssm: name } }</c>). One JSON file in the state directory, readable by its owner
/// only, written whole and renamed into place so a reader never sees half of it. It accepts what
/// SSM's standard tier accepts and nothing more: hierarchical names of at most 15 levels, values of
/// 1 to 4096 characters (and no NUL, which no environment can hold).
/// </summary>
public sealed partial class LocalParameterStore(string stateDirectory)
{
    /// <summary>SSM's standard-tier limit on a value.</summary>
    public const int MaxValueLength = 4096;

    private static readonly Lock Gate = new();

    public string FilePath { get; } = Path.Combine(Path.GetFullPath(stateDirectory), "ssm", "parameters.json");

    /// <summary>The parameter's value, or null when the store does not hold it.</summary>
    public string? Get(string name)
    {
        lock (Gate)
        {
            return Read().TryGetPropertyValue(name, out var value) ? value?.GetValue<string>() : null;
        }
    }

    /// <summary>Creates or overwrites the parameter.</summary>
    public void Put(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!ParameterName().IsMatch(name))
        {
            throw new ArgumentException(
                $"'{name.ReplaceLineEndings(" ")}' is not a parameter name: '/'-separated segments of letters, digits, '_', '.' and '-', at most 15 levels", nameof(name));
        }

        if (value.Length is 0 or > MaxValueLength || value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"a parameter's value is 1 to {MaxValueLength} characters without NUL, not {value.Length}", nameof(value));
        }

        lock (Gate)
        {
            var parameters = Read();
            parameters[name] = value;
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            OwnerOnlyFile.Write(FilePath, parameters.ToJsonString(), overwrite: true);
        }
    }

    /// <summary>The names under <paramref name="path"/> (e.g. <c>/prefix/service/</c>), never their values.</summary>
    public IReadOnlyList<string> Names(string path)
    {
        lock (Gate)
        {
            return [.. Read().Select(p => p.Key).Where(n => n.StartsWith(path, StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
        }
    }

    private JsonObject Read()
    {
        if (!File.Exists(FilePath))
        {
            return [];
        }

        return JsonNode.Parse(File.ReadAllText(FilePath)) as JsonObject
            ?? throw new InvalidDataException($"{FilePath} does not hold a JSON object of parameter names and values");
    }

    [GeneratedRegex(@"\A(?:/[A-Za-z0-9_.-]+){1,15}\z")]
    private static partial Regex ParameterName();
}
