namespace Pipeline.RouterAgent.Tests;

/// <summary><c>haproxy -c</c> as the agent runs it: a check that hangs is killed with everything it started, and reported.</summary>
public sealed class HaproxyCheckTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pipeline-check-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Haproxy Haproxy(string binary, string timeout) => new(
        AgentOptions.Parse(["--bucket", "b", "--config", Path.Combine(_dir, "haproxy.cfg"), "--haproxy", binary, "--check-timeout", timeout], _ => null),
        _ => { });

    [Fact]
    public async Task Check_WhenHaproxyHangs_ShouldKillItAndItsChildrenAndSayWhy()
    {
        // Stands in for a haproxy stuck on a config: it starts a child and waits for it.
        var fake = Path.Combine(_dir, "hanging-haproxy");
        var childPid = Path.Combine(_dir, "child.pid");
        await File.WriteAllTextAsync(fake, $"#!/bin/sh\nsleep 300 &\necho $! > {childPid}\nwait\n");
        using (var chmod = Process.Start("chmod", ["700", fake]))
        {
            await chmod.WaitForExitAsync();
        }

        var started = Stopwatch.StartNew();

        var complaint = await Haproxy(fake, "500ms").CheckAsync(Path.Combine(_dir, "candidate.cfg"), CancellationToken.None);

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(20), $"took {started.Elapsed}");
        Assert.Equal("haproxy -c did not finish within 0.5 s; it and its children were killed", complaint);
        var pid = int.Parse((await File.ReadAllTextAsync(childPid)).Trim(), CultureInfo.InvariantCulture);

        // SIGKILL was sent; on a loaded machine the child may take a moment to be gone (or a zombie).
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (Running(pid) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.False(Running(pid), $"the check's child {pid} is still running");
    }

    private static bool Running(int pid)
    {
        try
        {
            return !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Check_WhenTheRealHaproxyFindsAnError_ShouldReturnItsAlert()
    {
        var config = Path.Combine(_dir, "candidate.cfg");
        await File.WriteAllTextAsync(config, "frontend http\n    bind 127.0.0.1:18081\n    use_backend svc_missing\n");

        var complaint = await Haproxy("/usr/sbin/haproxy", "10s").CheckAsync(config, CancellationToken.None);

        Assert.NotNull(complaint);
        Assert.Contains("haproxy -c exited with", complaint, StringComparison.Ordinal);
        Assert.Contains("svc_missing", complaint, StringComparison.Ordinal);
    }
}
