namespace Pipeline.Local;

/// <summary>Where the repository (template.yaml, .build/) is: ./pipeline sets PIPELINE_ROOT.</summary>
internal static class Repository
{
    public static string Root { get; } =
        Environment.GetEnvironmentVariable("PIPELINE_ROOT") is { Length: > 0 } root ? root : Directory.GetCurrentDirectory();
}
