namespace Pipeline.Local.Aws.Lambda;

/// <summary>
/// One function the local Lambda service runs: what AWS knows from the template, reduced to what a
/// process needs. <paramref name="Handler"/> is the published entry point: <c>&lt;CodeUri&gt;/&lt;Handler&gt;.dll</c>
/// (started with <c>dotnet exec</c>, as the dotnet10 runtime does) or a native executable (as a
/// custom runtime's bootstrap would be).
/// </summary>
/// <param name="Name">The function name callers invoke, e.g. the template's logical id.</param>
/// <param name="Handler">Absolute path of the published entry point.</param>
/// <param name="Environment">The function's environment variables (the template's Environment.Variables).</param>
/// <param name="Timeout">How long one invocation may run before it fails with Sandbox.Timedout.</param>
/// <param name="MemoryMb">The configured memory: also caps the process's GC heap.</param>
/// <param name="Instances">How many warm processes serve this function side by side.</param>
public sealed record FunctionDefinition(
    string Name,
    string Handler,
    IReadOnlyDictionary<string, string> Environment,
    TimeSpan Timeout,
    int MemoryMb = 512,
    int Instances = 1)
{
    /// <summary>The folder the entry point was published to: the function's LAMBDA_TASK_ROOT.</summary>
    public string TaskRoot => Path.GetDirectoryName(Handler) ?? ".";

    public bool IsPublished => File.Exists(Handler);
}
