namespace Pipeline.Core.Configuration;

/// <summary>
/// A function setting that is missing or malformed: thrown while the function starts, so Lambda
/// reports it as the init error, naming the variable.
/// </summary>
public sealed class SettingInvalidException(string name, string problem)
    : InvalidOperationException($"The environment variable {name} {problem}.")
{
    public string Name { get; } = name;
}
