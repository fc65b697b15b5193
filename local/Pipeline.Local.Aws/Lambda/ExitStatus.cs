namespace Pipeline.Local.Aws.Lambda;

/// <summary>
/// A runtime's end as Lambda words it in <c>Runtime.ExitError</c>: "exit status 3" for an exit, "signal: killed"
/// for a process a signal ended (which .NET reports as 128 + the signal's number).
/// </summary>
internal static class ExitStatus
{
    public static string Describe(int exitCode) => exitCode switch
    {
        128 + 9 => "signal: killed",
        128 + 15 => "signal: terminated",
        128 + 6 => "signal: aborted",
        128 + 11 => "signal: segmentation fault",
        128 + 2 => "signal: interrupt",
        _ => $"exit status {exitCode}",
    };
}
