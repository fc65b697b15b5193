using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Pipeline.Aws.Tests.Fleet;

/// <summary>Reads and runs generated user data the way an instance would, under a temporary root.</summary>
internal static partial class UserDataScript
{
    private static readonly string[] Roots = ["/etc/pipeline", "/opt/pipeline", "/etc/systemd/system"];

    /// <summary>Each file the script writes, decoded: path → content.</summary>
    public static Dictionary<string, string> Files(string script) =>
        WrittenFile().Matches(script).ToDictionary(
            m => m.Groups["path"].Value,
            m => Encoding.UTF8.GetString(Convert.FromBase64String(m.Groups["data"].Value.Replace("\n", string.Empty, StringComparison.Ordinal))));

    /// <summary>The absolute paths of the instance, moved under <paramref name="root"/>.</summary>
    public static string Rebase(string text, string root) =>
        Roots.Aggregate(text, (t, r) => t.Replace(r, root + r, StringComparison.Ordinal));

    /// <summary>
    /// Runs <paramref name="script"/> with bash, its paths under <paramref name="root"/> and stubs
    /// for the commands that need root or systemd (id, useradd, chown, systemctl).
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string script, string root)
    {
        var stubs = Directory.CreateDirectory(Path.Combine(root, "stubs")).FullName;
        foreach (var command in new[] { "id", "useradd", "chown", "systemctl" })
        {
            var stub = Path.Combine(stubs, command);
            await File.WriteAllTextAsync(stub, "#!/bin/sh\nexit 0\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(stub, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
            }
        }

        foreach (var path in Roots)
        {
            Directory.CreateDirectory(root + path);
        }

        var file = Path.Combine(root, "user-data.sh");
        await File.WriteAllTextAsync(file, Rebase(script, root));
        return await BashAsync(file, stubs);
    }

    public static async Task<(int ExitCode, string Output)> BashAsync(string file, string? extraPath = null)
    {
        var info = new ProcessStartInfo("bash", [file]) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (extraPath is not null)
        {
            info.Environment["PATH"] = extraPath + ":" + Environment.GetEnvironmentVariable("PATH");
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    [GeneratedRegex(@"^base64 -d > (?<path>\S+) <<'PIPELINE_BASE64'\n(?<data>[A-Za-z0-9+/=\n]*?)PIPELINE_BASE64\n", RegexOptions.Multiline)]
    private static partial Regex WrittenFile();
}
