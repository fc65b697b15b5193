namespace Pipeline.EndToEnd.Tests;

/// <summary>How long the end-to-end tests wait, the same for every test: generous for a loaded machine.</summary>
internal static class Limits
{
    /// <summary><c>./pipeline up</c>, including building the CLI and publishing stale functions on a cold checkout.</summary>
    public static readonly TimeSpan StackStart = TimeSpan.FromMinutes(10);

    /// <summary>One deploy execution, against the 30 to 70 s a run takes here.</summary>
    public static readonly TimeSpan Run = TimeSpan.FromMinutes(8);

    /// <summary>From a push to the execution it starts.</summary>
    public static readonly TimeSpan RunStart = TimeSpan.FromMinutes(1);
}
