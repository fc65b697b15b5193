namespace Pipeline.Local.Aws.Processes;

/// <summary>
/// How dynalite and s3rver are started, by the local stack and by the tests alike: the programs
/// <c>npm ci</c> installs under local/emulators, on 127.0.0.1 and a port of the caller's choosing.
/// </summary>
public static class EmulatorCommands
{
    public const string Dynalite = "dynalite";
    public const string S3rver = "s3rver";

    /// <summary>The program <c>npm ci</c> installs for <paramref name="name"/>; its absence means not installed.</summary>
    public static string Binary(string repositoryRoot, string name) =>
        Path.Combine(repositoryRoot, "local", "emulators", "node_modules", ".bin", name);

    /// <summary>
    /// What is run for <paramref name="name"/>: s3rver through local/emulators/s3rver.js, which gives
    /// it S3's whole-object reads and writes (s3rver alone can answer a GET with the length of one
    /// version and the bytes of the next while that key is written); dynalite as installed.
    /// </summary>
    public static string Program(string repositoryRoot, string name) =>
        name == S3rver ? Path.Combine(repositoryRoot, "local", "emulators", "s3rver.js") : Binary(repositoryRoot, name);

    /// <summary>
    /// dynalite's arguments. Without <paramref name="dataDirectory"/> it keeps tables in memory.
    /// <paramref name="tableTransitionMs"/> is how long a table stays CREATING, UPDATING or DELETING.
    /// </summary>
    public static IReadOnlyList<string> DynaliteArguments(int port, string? dataDirectory, int tableTransitionMs)
    {
        var ms = tableTransitionMs.ToString(CultureInfo.InvariantCulture);
        string[] arguments = ["--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture),
                              "--createTableMs", ms, "--deleteTableMs", ms, "--updateTableMs", ms];
        return dataDirectory is null ? arguments : [.. arguments, "--path", dataDirectory];
    }

    public static IReadOnlyList<string> S3rverArguments(int port, string directory) =>
        ["--address", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--directory", directory, "--silent"];
}
