using System.Diagnostics;
using Pipeline.Local.Aws.Processes;

namespace Pipeline.Local.Aws.Tests;

public sealed class ChildProcessTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("child-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Exited_WhenAProcessItStartedStillHoldsItsOutput_ShouldStillBeSeen()
    {
        // A router agent killed while its haproxy runs on: the grandchild keeps the output pipe open,
        // so the end of output never comes. The exit must be seen anyway, or the child is never restarted.
        var child = ChildProcess.Start("parent", "bash", ["-c", "sleep 60 & echo \"grandchild $!\"; exit 3"], Path.Combine(_directory, "parent.log"));
        try
        {
            var exited = await Task.WhenAny(child.Exited, Task.Delay(TimeSpan.FromSeconds(20)));
            Assert.Same(child.Exited, exited);
            Assert.Equal(3, await child.Exited);
            Assert.True(child.Crashed);
        }
        finally
        {
            var line = child.Tail().Split('\n').FirstOrDefault(l => l.StartsWith("grandchild ", StringComparison.Ordinal));
            if (line is not null)
            {
                await Orphans.KillAllAsync([int.Parse(line["grandchild ".Length..], System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(1), CancellationToken.None);
            }

            await child.DisposeAsync();
        }
    }

    [Fact]
    public async Task StopAsync_WhenAProcessItStartedStillHoldsItsOutput_ShouldReturnOnceTheProcessEnds()
    {
        // SIGTERM ends the process at once; the grandchild keeps the output open for a minute. Stopping
        // waits for the process, not for the end of its output (which would take the whole grace and more).
        var child = ChildProcess.Start("parent", "bash", ["-c", "sleep 60 & echo \"grandchild $!\"; exec sleep 60"], Path.Combine(_directory, "parent.log"));
        try
        {
            await WaitForAsync(() => GrandchildOf(child) is not null);
            var clock = Stopwatch.StartNew();

            await child.StopAsync(TimeSpan.FromSeconds(90));

            Assert.True(child.Exited.IsCompleted);
            Assert.False(child.Crashed);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(45), $"stopping took {clock.Elapsed}");
        }
        finally
        {
            if (GrandchildOf(child) is { } grandchild)
            {
                await Orphans.KillAllAsync([grandchild], TimeSpan.FromSeconds(1), CancellationToken.None);
            }

            await child.DisposeAsync();
        }
    }

    private static int? GrandchildOf(ChildProcess child) =>
        child.Tail().Split('\n').FirstOrDefault(l => l.StartsWith("grandchild ", StringComparison.Ordinal)) is { } line
            ? int.Parse(line["grandchild ".Length..], System.Globalization.CultureInfo.InvariantCulture)
            : null;

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(100);
        }

        Assert.True(condition(), "the child did not start its grandchild");
    }
}
