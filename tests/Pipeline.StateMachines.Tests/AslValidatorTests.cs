using System.Diagnostics;

namespace Pipeline.StateMachines.Tests;

/// <summary>Every definition passes asl-validator, the version pinned in local/emulators.</summary>
public sealed class AslValidatorTests
{
    [Theory]
    [MemberData(nameof(Definitions.Names), MemberType = typeof(Definitions))]
    public async Task Validator_WhenGivenTheDefinition_ShouldAcceptIt(string name)
    {
        var (exit, output) = await ValidateAsync(Definitions.Substitute(Definitions.Text(name)));

        Assert.True(exit == 0, $"asl-validator rejected {name}:\n{output}");
    }

    [Fact]
    public async Task Validator_WhenATransitionPointsNowhere_ShouldRejectIt()
    {
        // Proves the check above can fail: the same definition with one dangling Next.
        var text = Definitions.Substitute(Definitions.Text("deploy-service.asl.json"))
            .Replace("\"Next\": \"AnythingToDo\"", "\"Next\": \"NoSuchState\"", StringComparison.Ordinal);

        var (exit, output) = await ValidateAsync(text);

        Assert.NotEqual(0, exit);
        Assert.Contains("NoSuchState", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Definitions_WhenListed_ShouldIncludeTheDeployMachine()
    {
        Assert.Contains(Definitions.Files, f => f.EndsWith("deploy-service.asl.json", StringComparison.Ordinal));
    }

    private static async Task<(int Exit, string Output)> ValidateAsync(string definition)
    {
        var validator = RepositoryRoot.Combine("local/emulators/node_modules/.bin/asl-validator");
        Assert.True(File.Exists(validator),
            $"{validator} is missing: run `./build.sh setup` (npm ci in local/emulators) first.");
        var file = Path.Combine(Path.GetTempPath(), $"asl-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, definition);
        try
        {
            var start = new ProcessStartInfo(validator)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add("--json-path");
            start.ArgumentList.Add(file);
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stdout + await stderr);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
