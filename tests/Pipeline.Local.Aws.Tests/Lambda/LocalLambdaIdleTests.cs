using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace Pipeline.Local.Aws.Tests.Lambda;

/// <summary>
/// Function processes idle for longer than the idle time are stopped, as Lambda reclaims idle
/// execution environments, and never one that is serving; a process killed mid-invocation is
/// reported as Lambda reports it. Idleness runs on a fake clock; the processes are real.
/// </summary>
public sealed class LocalLambdaIdleTests : IAsyncLifetime
{
    private const string Name = "TestFunction";
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(5);
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 5, 4, 0, 0, TimeSpan.Zero));
    private readonly List<string> log = [];
    private LocalLambdaService service = null!;

    public Task InitializeAsync()
    {
        service = Create(time, log);
        return Task.CompletedTask;
    }

    private static LocalLambdaService Create(TimeProvider time, List<string> log) => new(
        [new FunctionDefinition(Name, FunctionBinaries.Fixture("Pipeline.TestFunction"), new Dictionary<string, string>(), TimeSpan.FromSeconds(30), 256, 1)],
        new LocalLambdaOptions { IdleTimeout = Idle, Time = time, Log = (_, line) => { lock (log) { log.Add(line); } } });

    public async Task DisposeAsync() => await service.DisposeAsync();

    [Fact]
    public async Task Reaper_WhenAProcessServesNothingForTheIdleTime_ShouldStopItAndTheNextInvocationStartsAFreshOne()
    {
        var first = ProcessId(await InvokeAsync("""{"act":"ok"}"""));

        await AdvanceAsync(Idle - TimeSpan.FromMinutes(1));
        Assert.Equal([first], service.ProcessIds(Name));
        await AdvanceAsync(TimeSpan.FromMinutes(2));
        await WaitUntilAsync(() => service.ProcessIds(Name).Count == 0 && HasExited(first));

        var again = await InvokeAsync("""{"act":"ok"}""");
        Assert.NotEqual(first, ProcessId(again));
        Assert.Contains(Log(), line => line.Contains("stopped 1 process(es) idle for 300 s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reaper_WhenTheProcessIsServingAnInvocation_ShouldLeaveItToFinish()
    {
        var warm = ProcessId(await InvokeAsync("""{"act":"ok"}"""));
        var slow = InvokeAsync("""{"act":"sleep","ms":4000}""");
        await Task.Delay(1000); // the warm process's long poll takes it at once

        await AdvanceAsync(Idle * 2);
        var result = await slow;

        Assert.False(result.IsError, Encoding.UTF8.GetString(result.Payload));
        Assert.Equal(warm, ProcessId(result));
        Assert.Equal([warm], service.ProcessIds(Name));
    }

    [Fact]
    public async Task InvokeAsync_WhenTheProcessIsKilledMidInvocation_ShouldFailWithExitErrorAsLambdaWordsIt()
    {
        var pid = ProcessId(await InvokeAsync("""{"act":"ok"}"""));
        var inFlight = InvokeAsync("""{"act":"sleep","ms":20000}""");
        await Task.Delay(500);

        Process.GetProcessById(pid).Kill();
        var result = await inFlight.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal("Runtime.ExitError", result.ErrorType);
        Assert.StartsWith($"RequestId: {result.RequestId} Error: Runtime exited with error: signal: killed", result.ErrorMessage, StringComparison.Ordinal);
    }

    private Task<InvokeResult> InvokeAsync(string json) => service.InvokeAsync(Name, Encoding.UTF8.GetBytes(json));

    private static int ProcessId(InvokeResult result)
    {
        Assert.False(result.IsError, Encoding.UTF8.GetString(result.Payload));
        return JsonDocument.Parse(result.Payload).RootElement.GetProperty("processId").GetInt32();
    }

    /// <summary>Moves the fake clock in steps no longer than the reaper's interval, so each step can fire it.</summary>
    private async Task AdvanceAsync(TimeSpan by)
    {
        var step = LocalLambdaService.ReapInterval(Idle);
        for (var left = by; left > TimeSpan.Zero; left -= step)
        {
            time.Advance(left < step ? left : step);
            await Task.Delay(20);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(50);
        }
    }

    private static bool HasExited(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    private List<string> Log()
    {
        lock (log)
        {
            return [.. log];
        }
    }
}
