using System.Diagnostics;

namespace Pipeline.Template.Tests;

/// <summary>
/// The AWS template tools of the machine image: cfn-lint and aws-sam-translator, installed for the
/// pyenv Python 3.11 (PyPI is not reachable, so they cannot be installed here; Debian's python3
/// lacks them). <c>PIPELINE_PYTHON</c> names another interpreter that has both.
/// </summary>
public static class TemplateTools
{
    private static readonly Lazy<string> Interpreter = new(FindPython);

    public static string Python => Interpreter.Value;

    /// <summary>The template `sam package` + the SAM transform produce, as JSON in a temporary file.</summary>
    public static string Transform(string templatePath)
    {
        var output = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"transformed-{Guid.NewGuid():N}.json");
        var result = Run(Python, [RepositoryRoot.Combine("tools/template/sam_transform.py"), templatePath, output]);
        return result.ExitCode == 0 ? output
            : throw new InvalidOperationException($"the SAM transform failed (exit {result.ExitCode}):\n{result.Output}");
    }

    public static ToolResult CfnLint(string templatePath) =>
        Run(Python, ["-c", "import sys; from cfnlint.runner import main; sys.argv[0] = 'cfn-lint'; sys.exit(main())",
            "--format", "parseable", "--", templatePath]);

    public static ToolResult Run(string file, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? RepositoryRoot.Path,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} did not finish in 10 minutes");
        }

        return new ToolResult(process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string FindPython()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("PIPELINE_PYTHON") is { Length: > 0 } configured)
        {
            candidates.Add(configured);
        }

        var home = Environment.GetEnvironmentVariable("HOME") ?? "/root";
        foreach (var root in new[] { System.IO.Path.Combine(home, ".pyenv", "versions"), "/root/.pyenv/versions" })
        {
            if (Directory.Exists(root))
            {
                candidates.AddRange(Directory.GetDirectories(root, "3.11*").Order(StringComparer.Ordinal)
                    .Select(d => System.IO.Path.Combine(d, "bin", "python3")));
            }
        }

        var tried = new List<string>();
        foreach (var candidate in candidates.Distinct(StringComparer.Ordinal).Where(File.Exists))
        {
            var probe = Run(candidate, ["-c", "import cfnlint, samtranslator"]);
            if (probe.ExitCode == 0)
            {
                return candidate;
            }

            tried.Add($"{candidate}: {probe.Output.Trim()}");
        }

        throw new InvalidOperationException(
            "cfn-lint and aws-sam-translator were not found: no Python 3.11 under ~/.pyenv/versions imports both "
            + "(they come with the machine image; set PIPELINE_PYTHON to an interpreter that has them)."
            + (tried.Count == 0 ? "" : "\nTried:\n" + string.Join('\n', tried)));
    }
}

public sealed record ToolResult(int ExitCode, string Output);
