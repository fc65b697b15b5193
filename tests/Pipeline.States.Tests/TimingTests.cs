using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace Pipeline.States.Tests;

public sealed class TimingTests
{
    /// <summary>An activity task that must heartbeat every second and may run 30 s.</summary>
    private const string HeartbeatTask = """
        {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::activity:x","HeartbeatSeconds":1,"TimeoutSeconds":30,"End":true}}}
        """;

    /// <summary>The first execution in a process pays for JIT compilation; measure only warm runs.</summary>
    private static readonly Lazy<Task> WarmUp = new(() => Run.Async(
        """{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::x:y","Retry":[{"ErrorEquals":["Flaky"]}],"Next":"W"},"W":{"Type":"Wait","Seconds":0,"End":true}}}""",
        "{}", new EngineOptions { WaitTimeScale = 0, Integrations = new TaskIntegrationRegistry().Register("**", new FailingTimes(1)) }));

    [Fact]
    public async Task Wait_WhenScaledDown_ShouldWaitTheScaledTime()
    {
        await WarmUp.Value;
        var clock = Stopwatch.StartNew();

        var (result, _) = await Run.Async("""{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":20,"End":true}}}""", "{}",
            new EngineOptions { WaitTimeScale = 0.01 });

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(180), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Retry_WhenScaledDown_ShouldBackOffByTheScaledIntervals()
    {
        var failures = new FailingTimes(2);
        var options = new EngineOptions { WaitTimeScale = 0.01, Integrations = new TaskIntegrationRegistry().Register("**", failures) };
        const string definition = """
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::custom:thing","End":true,
              "Retry":[{"ErrorEquals":["Flaky"],"IntervalSeconds":10,"BackoffRate":2,"MaxAttempts":3}]}}}
            """;
        await WarmUp.Value;
        var clock = Stopwatch.StartNew();

        var (result, _) = await Run.Async(definition, "{}", options);

        // 10 s + 20 s of backoff, scaled by 0.01.
        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(280), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Retry_WhenMaxDelayIsSet_ShouldCapTheBackoff()
    {
        var clock = new RecordingClock();
        var options = new EngineOptions { Clock = clock, Integrations = new TaskIntegrationRegistry().Register("**", new FailingTimes(3)) };
        const string definition = """
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::custom:thing","End":true,
              "Retry":[{"ErrorEquals":["Flaky"],"IntervalSeconds":10,"BackoffRate":10,"MaxDelaySeconds":15,"MaxAttempts":3}]}}}
            """;

        var (result, _) = await Run.Async(definition, "{}", options);

        // Uncapped the delays would be 10 s, 100 s and 1000 s.
        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15)], clock.Delays);
    }

    /// <summary>Records every delay asked of it and lets it elapse at once, so backoff arithmetic is checked exactly.</summary>
    private sealed class RecordingClock : TimeProvider
    {
        private readonly List<TimeSpan> _delays = [];

        public IReadOnlyList<TimeSpan> Delays
        {
            get
            {
                lock (_delays)
                {
                    return _delays.ToList();
                }
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            lock (_delays)
            {
                _delays.Add(dueTime);
            }
            return System.CreateTimer(callback, state, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
    }

    [Fact]
    public async Task Execution_WhenTimeoutSecondsElapses_ShouldTimeOut()
    {
        var (result, events) = await Run.Async("""{"TimeoutSeconds":1,"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":30,"End":true}}}""", "{}",
            new EngineOptions { WaitTimeScale = 1 });

        Assert.Equal(ExecutionStatus.TimedOut, result.Status);
        Assert.Equal("States.Timeout", result.Error);
        Assert.Equal("ExecutionTimedOut", events[^1].Type);
    }

    [Fact]
    public async Task Execution_WhenCancelled_ShouldBeAborted()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var (result, events) = await Run.Async("""{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":30,"End":true}}}""", "{}",
            new EngineOptions { WaitTimeScale = 1 }, stop.Token);

        Assert.Equal(ExecutionStatus.Aborted, result.Status);
        Assert.Equal("ExecutionAborted", events[^1].Type);
    }

    [Fact]
    public async Task Task_WhenNoHeartbeatArrivesInTime_ShouldFailWithHeartbeatTimeout()
    {
        var options = new EngineOptions { Integrations = new TaskIntegrationRegistry().Register("**", new Silent()) };

        var (result, events) = await Run.Async(HeartbeatTask, "{}", options);

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal("States.HeartbeatTimeout", result.Error);
        Assert.Contains(events, e => e.Type == "TaskTimedOut");
    }

    [Fact]
    public async Task Task_WhenItHeartbeats_ShouldOutliveHeartbeatSeconds()
    {
        // On the engine's clock, not the machine's: a busy machine must not turn a beat into a timeout.
        var clock = new FakeTimeProvider();
        var options = new EngineOptions { Clock = clock, Integrations = new TaskIntegrationRegistry().Register("**", new Beating(clock)) };

        var (result, _) = await Run.Async(HeartbeatTask, "{}", options);

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.True(clock.GetUtcNow() - clock.Start > TimeSpan.FromSeconds(4), "the Task ran past several HeartbeatSeconds");
    }

    [Theory]
    [InlineData(""" "HeartbeatSeconds":3600,"TimeoutSeconds":7200 """, "States.HeartbeatTimeout")]
    [InlineData(""" "TimeoutSeconds":3600 """, "States.Timeout")]
    public async Task Task_WhenTheEngineClockPassesItsDeadline_ShouldTimeOutWithoutWaitingForTheMachine(string deadlines, string error)
    {
        var clock = new FakeTimeProvider();
        var options = new EngineOptions { Clock = clock, Integrations = new TaskIntegrationRegistry().Register("**", new Sleeper(clock, TimeSpan.FromSeconds(3601))) };
        var definition = """{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::activity:x",""" + deadlines + ""","End":true}}}""";

        // An hour on the engine's clock; a deadline on the machine's timers would keep this waiting for the hour.
        var (result, events) = await Run.Async(definition, "{}", options).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal(error, result.Error);
        Assert.Equal("TaskTimedOut", Assert.Single(events, e => e.Type.EndsWith("TimedOut", StringComparison.Ordinal)).Type);
    }

    private sealed class FailingTimes(int times) : ITaskIntegration
    {
        private int _calls;

        public Task<System.Text.Json.Nodes.JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _calls) <= times
                ? throw new StatesException("Flaky", "try again")
                : Task.FromResult<System.Text.Json.Nodes.JsonNode?>("done");
    }

    private sealed class Silent : ITaskIntegration
    {
        public async Task<System.Text.Json.Nodes.JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken)
        {
            await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken);
            return null;
        }
    }

    /// <summary>Heartbeats six times, 0.8 s apart on the engine's clock, then answers.</summary>
    private sealed class Beating(FakeTimeProvider clock) : ITaskIntegration
    {
        public Task<System.Text.Json.Nodes.JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken)
        {
            for (var i = 0; i < 6; i++)
            {
                clock.Advance(TimeSpan.FromMilliseconds(800));
                invocation.Heartbeat();
            }
            return Task.FromResult<System.Text.Json.Nodes.JsonNode?>("alive");
        }
    }

    /// <summary>Lets <paramref name="time"/> pass on the engine's clock without a heartbeat, then works until cancelled.</summary>
    private sealed class Sleeper(FakeTimeProvider clock, TimeSpan time) : ITaskIntegration
    {
        public async Task<System.Text.Json.Nodes.JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken)
        {
            clock.Advance(time);
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return null;
        }
    }
}
