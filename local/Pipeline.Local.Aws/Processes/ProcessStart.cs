namespace Pipeline.Local.Aws.Processes;

/// <summary>
/// How the local stack starts every program: arguments as a list (never through a shell), all three
/// standard streams redirected, and the given variables on top of the inherited environment.
/// </summary>
public static class ProcessStart
{
    public static ProcessStartInfo Info<TValue>(
        string program,
        IEnumerable<string> arguments,
        string? workingDirectory,
        IReadOnlyDictionary<string, TValue>? environment)
        where TValue : class?
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, TValue>())
        {
            info.Environment[key] = value as string;
        }

        return info;
    }
}
