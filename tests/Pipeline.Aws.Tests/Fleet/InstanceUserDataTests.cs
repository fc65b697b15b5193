namespace Pipeline.Aws.Tests.Fleet;

/// <summary>
/// The user data run by real bash under a temporary root: whatever an environment value holds, it
/// is written byte for byte and reaches the service as exactly that value, and never runs.
/// </summary>
public sealed class InstanceUserDataTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pipeline-userdata-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private Dictionary<string, string> Hostile() => new(StringComparer.Ordinal)
    {
        ["PORT"] = "8080",
        ["NEWLINES"] = "a\nb\r\nc\n",
        ["QUOTES"] = "'\"\\'\\\"",
        ["SUBSTITUTION"] = $"$(touch {_root}/pwned-1) `touch {_root}/pwned-2` ${{HOME}} $PATH",
        ["HEREDOC"] = $"x\nPIPELINE_BASE64\nPIPELINE_ENV\nPIPELINE_UNIT\ntouch {_root}/pwned-3\nPIPELINE_BASE64\n",
        ["EQUALS"] = "a=b=c",
        ["UNICODE"] = "é中😀\u2028\u2029\u0085",
        ["CONTROL"] = "\u0001\u001b[31m\t\u007f",
        ["EMPTY"] = string.Empty,
        ["SPACES"] = "  x  ",
        ["COMMENT"] = "# not a comment",
    };

    [Fact]
    public async Task UserData_WhenValuesHoldShellSyntaxAndHeredocTerminators_ShouldWriteTheEnvFileByteForByte()
    {
        var environment = Hostile();
        var script = InstanceUserData.Render(Launch(environment, "node server.js"), "bucket");

        var (exit, output) = await UserDataScript.RunAsync(script, _root);

        Assert.True(exit == 0, output);
        var expected = string.Concat(environment.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}\0"));
        Assert.Equal(Encoding.UTF8.GetBytes(expected), await File.ReadAllBytesAsync($"{_root}/etc/pipeline/orders/env"));
        Assert.Equal("#!/bin/sh\nexec node server.js\n", await File.ReadAllTextAsync($"{_root}/etc/pipeline/orders/command"));
        Assert.False(Directory.EnumerateFiles(_root, "pwned-*").Any(), "a value ran as code");
    }

    [Fact]
    public async Task StartScript_ShouldGiveTheServiceExactlyItsEnvironmentAndNothingElse()
    {
        var environment = Hostile();
        var script = InstanceUserData.Render(Launch(environment, "env -0 > ../service.env"), "bucket");
        Assert.Equal(0, (await UserDataScript.RunAsync(script, _root)).ExitCode);
        var start = $"{_root}/etc/pipeline/orders/start";
        await File.WriteAllTextAsync(start, UserDataScript.Rebase(await File.ReadAllTextAsync(start), _root));
        Directory.CreateDirectory($"{_root}/opt/pipeline/orders/app");

        var (exit, output) = await UserDataScript.BashAsync(start);

        Assert.True(exit == 0, output);
        var seen = (await File.ReadAllTextAsync($"{_root}/opt/pipeline/orders/service.env"))
            .Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        foreach (var (name, value) in environment)
        {
            Assert.Equal(value, seen[name]);
        }

        Assert.Equal(InstanceUserData.ServicePath, seen["PATH"]);
        Assert.Empty(seen.Keys.Except(environment.Keys).Except(["PATH", "HOME", "LANG", "PWD", "SHLVL", "_", "OLDPWD"]));
        Assert.False(Directory.EnumerateFiles(_root, "pwned-*").Any(), "a value ran as code");
    }

    [Theory]
    [InlineData("PIPELINE_ENV\n")]
    [InlineData("A B")]
    [InlineData("A=B")]
    [InlineData("")]
    public void Render_WhenAnEnvNameIsNotOne_ShouldRefuseIt(string name)
    {
        var environment = new Dictionary<string, string> { [name] = "x" };

        var error = Assert.Throws<LaunchFailedException>(() => InstanceUserData.Render(Launch(environment, "node server.js"), "bucket"));

        Assert.Contains("not a valid environment variable name", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("node server.js\ntouch /tmp/x")]
    [InlineData("node\rserver.js")]
    [InlineData("node\u2028server.js")]
    public void Render_WhenTheStartCommandIsNotOneLine_ShouldRefuseIt(string start) =>
        Assert.Throws<LaunchFailedException>(() => InstanceUserData.Render(Launch(new Dictionary<string, string>(), start), "bucket"));

    [Fact]
    public void Render_WhenTheEnvironmentWouldExceedEc2sUserDataLimit_ShouldRefuseIt()
    {
        var environment = Enumerable.Range(0, 4).ToDictionary(i => $"V{i}", _ => new string('x', 4096));

        var error = Assert.Throws<LaunchFailedException>(() => InstanceUserData.Render(Launch(environment, "node server.js"), "bucket"));

        Assert.Contains($"EC2 takes at most {InstanceUserData.MaxBytes}", error.Message, StringComparison.Ordinal);
    }

    private static InstanceLaunch Launch(IReadOnlyDictionary<string, string> environment, string start) =>
        new("orders", "1.4.7-0d1a26e", "artifacts/orders/1.4.7-0d1a26e/artifact.tgz", new string('a', 64), 1, 8080, start, environment, "exec\n$(id)");
}
