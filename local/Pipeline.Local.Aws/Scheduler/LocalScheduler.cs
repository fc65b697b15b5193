using Pipeline.Local.Aws.EventBridge;
using Pipeline.Local.Aws.CloudFormation;

namespace Pipeline.Local.Aws.Scheduler;

/// <summary>A firing: which rule, and the time it was due.</summary>
public sealed record ScheduledFiring(EventRuleDescription Rule, DateTimeOffset ScheduledTime);

/// <summary>
/// Fires the template's schedule rules on time. A firing missed while the machine slept is not
/// replayed (EventBridge does not backfill either): the scheduler fires once and moves on.
/// </summary>
public sealed class LocalScheduler
{
    private readonly TimeProvider _time;
    private readonly List<Entry> _entries = [];
    private readonly Func<ScheduledFiring, CancellationToken, Task> _fire;

    public LocalScheduler(Func<ScheduledFiring, CancellationToken, Task> fire, TimeProvider? time = null)
    {
        _fire = fire;
        _time = time ?? TimeProvider.System;
    }

    public IReadOnlyList<(string Rule, DateTimeOffset? Next)> Upcoming
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries.Select(e => (e.Rule.Name, e.Next))];
            }
        }
    }

    /// <summary>Adds an enabled schedule rule; its expression is validated now, so a bad template fails at start-up.</summary>
    public void Add(EventRuleDescription rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var expression = ScheduleExpression.Parse(rule.ScheduleExpression
            ?? throw new ArgumentException($"rule {rule.Name} has no ScheduleExpression", nameof(rule)));
        if (!rule.Enabled)
        {
            return;
        }

        var now = _time.GetUtcNow();
        lock (_entries)
        {
            _entries.Add(new Entry(rule, expression, now) { Next = expression.NextAfter(now, now) });
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = _time.GetUtcNow();
            List<ScheduledFiring> due;
            DateTimeOffset? next;
            lock (_entries)
            {
                due = [.. _entries.Where(e => e.Next <= now).Select(e => new ScheduledFiring(e.Rule, e.Next!.Value))];
                foreach (var entry in _entries.Where(e => e.Next <= now))
                {
                    entry.Next = entry.Expression.NextAfter(now, entry.Anchor);
                }

                next = _entries.Min(e => e.Next);
            }

            foreach (var firing in due)
            {
                await _fire(firing, cancellationToken);
            }

            if (due.Count > 0)
            {
                continue;
            }

            var wait = next is { } at ? at - now : TimeSpan.FromMinutes(1);
            try
            {
                // Re-check at least every minute so that rules added later are picked up.
                await Task.Delay(wait < TimeSpan.FromMinutes(1) ? wait : TimeSpan.FromMinutes(1), _time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The event a schedule rule sends when its target has no Input.</summary>
    public static JsonObject ScheduledEvent(ScheduledFiring firing, StackContext stack)
    {
        ArgumentNullException.ThrowIfNull(firing);
        ArgumentNullException.ThrowIfNull(stack);
        return new JsonObject
        {
            ["version"] = "0",
            ["id"] = Guid.NewGuid().ToString(),
            ["detail-type"] = "Scheduled Event",
            ["source"] = "aws.events",
            ["account"] = stack.AccountId,
            ["time"] = firing.ScheduledTime.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["region"] = stack.Region,
            ["resources"] = new JsonArray(
                $"arn:{stack.Partition}:events:{stack.Region}:{stack.AccountId}:rule/{firing.Rule.Name}"),
            ["detail"] = new JsonObject(),
        };
    }

    /// <summary>Fires each target of the rule with its Input, or the scheduled event.</summary>
    public static Func<ScheduledFiring, CancellationToken, Task> ToTargets(
        IEventTargetInvoker invoker, StackContext stack, Action<ScheduledFiring, Exception>? onError = null)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        return async (firing, cancellationToken) =>
        {
            foreach (var target in firing.Rule.Targets)
            {
                try
                {
                    await invoker.InvokeAsync(
                        target.Arn, target.Input?.DeepClone() ?? ScheduledEvent(firing, stack), cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    onError?.Invoke(firing, e);
                }
            }
        };
    }

    private sealed class Entry(EventRuleDescription rule, ScheduleExpression expression, DateTimeOffset anchor)
    {
        public EventRuleDescription Rule { get; } = rule;

        public ScheduleExpression Expression { get; } = expression;

        public DateTimeOffset Anchor { get; } = anchor;

        public DateTimeOffset? Next { get; set; }
    }
}
