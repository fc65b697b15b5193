namespace Pipeline.Local.Stack;

/// <summary>The programs the local stack runs, each checked up front with the command that installs it.</summary>
internal static class Prerequisites
{
    public const string Haproxy = "/usr/sbin/haproxy";

    public static async Task CheckAsync(string repositoryRoot, CancellationToken cancellationToken)
    {
        var missing = new List<string>();
        foreach (var (program, install) in new[]
                 {
                     ("node", "install Node.js 20 or newer (e.g. `sudo apt-get install nodejs npm`)"),
                     ("git", "`sudo apt-get install git` (or `./build.sh setup`)"),
                 })
        {
            if (!await RunsAsync(program, ["--version"], cancellationToken))
            {
                missing.Add($"{program} is not installed: {install}");
            }
        }

        if (!File.Exists(Haproxy))
        {
            missing.Add($"haproxy is not installed ({Haproxy} is missing): `sudo apt-get install haproxy` (or `./build.sh setup`)");
        }

        foreach (var emulator in new[] { "dynalite", "s3rver" })
        {
            if (!File.Exists(EmulatorBinary(repositoryRoot, emulator)))
            {
                missing.Add($"the {emulator} emulator is not installed: `cd local/emulators && npm ci` (or `./build.sh setup`)");
            }
        }

        if (missing.Count > 0)
        {
            throw new StackFailureException("missing prerequisites:\n  - " + string.Join("\n  - ", missing));
        }
    }

    public static string EmulatorBinary(string repositoryRoot, string name) => EmulatorCommands.Binary(repositoryRoot, name);

    private static async Task<bool> RunsAsync(string program, string[] arguments, CancellationToken cancellationToken)
    {
        try
        {
            return (await CommandRunner.RunAsync(program, arguments, cancellationToken: cancellationToken)).ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
