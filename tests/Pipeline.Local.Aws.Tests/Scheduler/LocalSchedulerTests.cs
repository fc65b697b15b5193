using Microsoft.Extensions.Time.Testing;
using Pipeline.Local.Aws.Scheduler;

namespace Pipeline.Local.Aws.Tests.Scheduler;

public sealed class LocalSchedulerTests
{
    private static readonly SamTemplate Template = SamTemplate.Load(Fixture.Path("templates", "full.yaml"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 2, 58, 30, TimeSpan.Zero));
    private readonly ConcurrentQueue<ScheduledFiring> _firings = new();

    private LocalScheduler Scheduler() => new((f, _) =>
    {
        _firings.Enqueue(f);
        return Task.CompletedTask;
    }, _time);

    // Advances the fake clock in 30 s steps; after each step, waits (in real time) until the
    // scheduler has fired as often as the minutes passed say it should, so a slow machine cannot
    // make the loop miss a period.
    private async Task AdvanceAsync(int steps, Func<DateTimeOffset, int> expectedFirings)
    {
        for (var i = 0; i < steps; i++)
        {
            await Task.Delay(5, CancellationToken.None);
            _time.Advance(TimeSpan.FromSeconds(30));
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (_firings.Count < expectedFirings(_time.GetUtcNow()) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(5, CancellationToken.None);
            }
        }

        await Task.Delay(50, CancellationToken.None);
    }

    [Fact]
    public async Task Run_WhenTimePasses_ShouldFireEnabledTemplateSchedulesOnTime()
    {
        var start = _time.GetUtcNow();
        var scheduler = Scheduler();
        foreach (var rule in Template.Rules.Where(r => r.IsSchedule))
        {
            scheduler.Add(rule);
        }

        using var cts = new CancellationTokenSource();
        _ = scheduler.RunAsync(cts.Token);

        await AdvanceAsync(10, now => (int)((now - start).TotalMinutes));
        await cts.CancelAsync();

        var fired = _firings.ToArray();
        Assert.All(fired, f => Assert.Equal("ScaleTablesFunctionEveryMinute", f.Rule.Name));
        Assert.Equal(
            Enumerable.Range(1, 5).Select(i => new DateTimeOffset(2026, 11, 28, 2, 58, 30, TimeSpan.Zero).AddMinutes(i)),
            fired.Select(f => f.ScheduledTime));
    }

    [Fact]
    public async Task Run_WhenCronRuleIsEnabled_ShouldFireAtItsMinute()
    {
        var rule = Template.Rules.Single(r => r.LogicalId == "ScaleTablesFunctionNightly") with { Enabled = true };
        var scheduler = Scheduler();
        scheduler.Add(rule);
        using var cts = new CancellationTokenSource();
        _ = scheduler.RunAsync(cts.Token);

        await AdvanceAsync(6, now => now.Hour >= 3 ? 1 : 0);
        await cts.CancelAsync();
        var firing = Assert.Single(_firings);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 3, 0, 0, TimeSpan.Zero), firing.ScheduledTime);
    }

    [Fact]
    public void Add_WhenRuleIsDisabled_ShouldNotSchedule()
    {
        var scheduler = new LocalScheduler((_, _) => Task.CompletedTask, _time);

        scheduler.Add(Template.Rules.Single(r => r.LogicalId == "HourlyRule"));

        Assert.Empty(scheduler.Upcoming);
    }

    [Fact]
    public void Add_WhenExpressionIsInvalid_ShouldFailAtOnce()
    {
        var scheduler = new LocalScheduler((_, _) => Task.CompletedTask, _time);
        var rule = Template.Rules.Single(r => r.LogicalId == "ScaleTablesFunctionEveryMinute") with { ScheduleExpression = "rate(2 minute)" };

        Assert.Throws<ScheduleExpressionInvalidException>(() => scheduler.Add(rule));
    }

    [Fact]
    public async Task ToTargets_WhenTargetHasInput_ShouldSendItElseTheScheduledEvent()
    {
        var calls = new List<(string Arn, JsonNode? Input)>();
        var invoker = new Invoker(calls);
        var fire = LocalScheduler.ToTargets(invoker, new StackContext());
        var withInput = Template.Rules.Single(r => r.LogicalId == "ScaleTablesFunctionEveryMinute");
        var withoutInput = Template.Rules.Single(r => r.LogicalId == "ScaleTablesFunctionNightly");
        var at = new DateTimeOffset(2026, 11, 28, 3, 0, 0, TimeSpan.Zero);

        await fire(new ScheduledFiring(withInput, at), CancellationToken.None);
        await fire(new ScheduledFiring(withoutInput, at), CancellationToken.None);

        Assert.False(calls[0].Input!["dryRun"]!.GetValue<bool>());
        Assert.Equal("Scheduled Event", calls[1].Input!["detail-type"]!.GetValue<string>());
        Assert.Equal("aws.events", calls[1].Input!["source"]!.GetValue<string>());
        Assert.Equal("2026-11-28T03:00:00Z", calls[1].Input!["time"]!.GetValue<string>());
        Assert.Equal("arn:aws:events:us-east-1:000000000000:rule/ScaleTablesFunctionNightly", calls[1].Input!["resources"]![0]!.GetValue<string>());
        Assert.All(calls, c => Assert.Equal(Template.Function("ScaleTablesFunction").Arn, c.Arn));
    }

    private sealed class Invoker(List<(string, JsonNode?)> calls) : IEventTargetInvoker
    {
        public Task InvokeAsync(string targetArn, JsonNode? input, CancellationToken cancellationToken)
        {
            calls.Add((targetArn, input));
            return Task.CompletedTask;
        }
    }
}
