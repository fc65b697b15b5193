namespace Pipeline.Local.Tests;

/// <summary>
/// <c>pipeline new</c> through the real CLI, and the repository it writes through real npm and node:
/// valid for <c>pipeline validate</c>, installable from its lockfile alone, its tests passing,
/// the table round trip included (against dynalite).
/// </summary>
public sealed class NewCommandTests(EmulatorFixture emulators) : IClassFixture<EmulatorFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pipeline-new-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task New_WhenGivenANameAndTables_ShouldWriteARepositoryThatValidatesInstallsAndPassesItsTests()
    {
        var target = Path.Combine(_folder, "widgets");

        var (exit, output, error) = await RunAsync("dotnet", _folder, Cli("new", "widgets", "--dir", target, "--table", "widgets", "--table", "audit-log"));

        Assert.True(exit == 0, output + error);
        Assert.True(File.Exists(Path.Combine(target, "vendor", "service-kit", "lib", "auth.js")), "the kit is vendored");
        Assert.False(Directory.Exists(Path.Combine(target, "vendor", "service-kit", "node_modules")));
        var validate = await RunAsync("dotnet", _folder, Cli("validate", target));
        Assert.True(validate.ExitCode == 0 && validate.StandardOutput.Trim() == "ok", validate.StandardOutput + validate.StandardError);

        var install = await RunAsync("npm", target, ["ci", "--no-audit", "--no-fund", "--prefer-offline"]);
        Assert.True(install.ExitCode == 0, install.StandardOutput + install.StandardError);
        var test = await RunAsync("npm", target, ["test"], new()
        {
            ["AWS_ENDPOINT_URL_DYNAMODB"] = emulators.DynamoDbEndpoint.ToString().TrimEnd('/'),
            ["AWS_ACCESS_KEY_ID"] = "local",
            ["AWS_SECRET_ACCESS_KEY"] = "local",
            ["AWS_REGION"] = "us-east-1",
        });
        Assert.True(test.ExitCode == 0, test.StandardOutput + test.StandardError);
        Assert.Contains("# pass 6", test.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("# skipped 0", test.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Widgets", "upper-case")]
    [InlineData("widgets_v2", "has '_'")]
    [InlineData("-widgets", "a service name is")]
    public async Task New_WhenTheNameIsInvalid_ShouldRefuseAndWriteNothing(string name, string reason)
    {
        var target = Path.Combine(_folder, "out");

        var (exit, output, error) = await RunAsync("dotnet", _folder, Cli("new", name, "--dir", target));

        Assert.Equal(1, exit);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Empty(output);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task New_WhenATableNameIsInvalid_ShouldRefuseAndWriteNothing()
    {
        var target = Path.Combine(_folder, "out");

        var (exit, _, error) = await RunAsync("dotnet", _folder, Cli("new", "widgets", "--dir", target, "--table", "Audit_Log"));

        Assert.Equal(1, exit);
        Assert.Contains("--table 'Audit_Log' must be lower-case letters", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task New_WhenTheDirectoryHoldsAnything_ShouldRefuseAndLeaveItAsItWas()
    {
        var target = Directory.CreateDirectory(Path.Combine(_folder, "taken")).FullName;
        await File.WriteAllTextAsync(Path.Combine(target, "notes.txt"), "mine");

        var (exit, _, error) = await RunAsync("dotnet", _folder, Cli("new", "widgets", "--dir", target));

        Assert.Equal(1, exit);
        Assert.Contains("exists and is not empty", error, StringComparison.Ordinal);
        Assert.Equal(["notes.txt"], Directory.EnumerateFileSystemEntries(target).Select(Path.GetFileName));
    }

    private static string[] Cli(params string[] args) => CliProcess.Arguments(args);

    private static Task<CommandResult> RunAsync(
        string file, string directory, IEnumerable<string> args, Dictionary<string, string?>? environment = null) =>
        CommandRunner.RunAsync(file, args, directory,
            new Dictionary<string, string?>(environment ?? []) { ["PIPELINE_ROOT"] = RepositoryRoot.Path });
}
