using System.Diagnostics;

namespace Pipeline.Local.Aws.Tests.EC2;

/// <summary>What a SIGKILLed stack leaves: processes naming its state directory, found and stopped; others left alone.</summary>
public sealed class OrphansTests : IDisposable
{
    private readonly TempDirectory _state = new();
    private readonly TempDirectory _other = new();
    private readonly List<Process> _started = [];

    public void Dispose()
    {
        foreach (var p in _started.Where(p => !p.HasExited))
        {
            p.Kill();
        }
        foreach (var p in _started)
        {
            p.Dispose();
        }
        _state.Dispose();
        _other.Dispose();
    }

    [Fact]
    public async Task FindAndKillAll_WhenAProcessNamesTheStateDirectory_ShouldStopItAndLeaveOthersRunning()
    {
        var orphan = Sleep(Path.Combine(_state.Path, "haproxy", "haproxy.cfg"));
        var bystander = Sleep(Path.Combine(_other.Path, "haproxy.cfg"));

        var found = Orphans.Find(_state.Path);
        await Orphans.KillAllAsync(found.Select(f => f.Pid), TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal([orphan.Id], found.Select(f => f.Pid));
        Assert.True(orphan.WaitForExit(TimeSpan.FromSeconds(5)), "the orphan still runs");
        Assert.False(bystander.HasExited);
        Assert.DoesNotContain(Orphans.Find(_state.Path), f => f.Pid == Environment.ProcessId);
    }

    [Fact]
    public async Task KillAsync_WhenThePidIsNotTheRecordedInstance_ShouldLeaveItRunning()
    {
        var other = Sleep(_other.Path);

        await Orphans.KillAsync(other.Id, "PIPELINE_INSTANCE_ID=i-0123456789abcdef0", CancellationToken.None);

        Assert.False(other.WaitForExit(TimeSpan.FromMilliseconds(300)));
    }

    // bash -c names the path as its $0, on its command line; its only children are one-second sleeps.
    private Process Sleep(string named)
    {
        var process = Process.Start(new ProcessStartInfo("bash", ["-c", "while :; do sleep 1; done", named]) { UseShellExecute = false })!;
        _started.Add(process);
        return process;
    }
}
