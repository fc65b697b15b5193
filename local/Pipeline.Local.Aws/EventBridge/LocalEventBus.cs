using Pipeline.Local.Aws.CloudFormation;

namespace Pipeline.Local.Aws.EventBridge;

/// <summary>
/// The local EventBridge: rules with event patterns, events put on a named bus, and each matching
/// rule's targets invoked with the input EventBridge would send (the whole event, a constant
/// Input, or the part InputPath selects). Schedule rules belong to the scheduler, not here.
/// </summary>
public sealed class LocalEventBus(StackContext stack, IEventTargetInvoker invoker, TimeProvider? time = null)
{
    private readonly ConcurrentDictionary<string, (EventRuleDescription Rule, EventPattern Pattern)> _rules = new(StringComparer.Ordinal);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public IReadOnlyCollection<EventRuleDescription> Rules => [.. _rules.Values.Select(r => r.Rule)];

    public void PutRule(EventRuleDescription rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.EventPattern is null)
        {
            throw new ArgumentException($"rule {rule.Name} has no event pattern; schedules go to the scheduler", nameof(rule));
        }

        EventPattern pattern;
        try
        {
            pattern = EventPattern.From(rule.EventPattern);
        }
        catch (EventPatternInvalidException e)
        {
            throw new EventPatternInvalidException($"rule {rule.Name}: {e.Message}");
        }

        _rules[$"{rule.EventBusName}/{rule.Name}"] = (rule, pattern);
    }

    /// <summary>The event as EventBridge delivers it: the envelope around the entry's detail.</summary>
    public JsonObject Envelope(BusEvent entry, string id)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new JsonObject
        {
            ["version"] = "0",
            ["id"] = id,
            ["detail-type"] = entry.DetailType,
            ["source"] = entry.Source,
            ["account"] = stack.AccountId,
            ["time"] = (entry.Time ?? _time.GetUtcNow()).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            ["region"] = stack.Region,
            ["resources"] = new JsonArray([.. (entry.Resources ?? []).Select(r => (JsonNode)JsonValue.Create(r))]),
            ["detail"] = entry.Detail.DeepClone(),
        };
    }

    public async Task<IReadOnlyList<EventDelivery>> PutEventAsync(BusEvent entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var id = Guid.NewGuid().ToString();
        var evt = Envelope(entry, id);
        var deliveries = new List<EventDelivery>();
        foreach (var (rule, pattern) in _rules.Values.OrderBy(r => r.Rule.Name, StringComparer.Ordinal))
        {
            if (!rule.Enabled || rule.EventBusName != entry.EventBusName || !pattern.Matches(evt))
            {
                continue;
            }

            foreach (var target in rule.Targets)
            {
                deliveries.Add(await DeliverAsync(id, rule, target, evt, cancellationToken));
            }
        }

        return deliveries;
    }

    private async Task<EventDelivery> DeliverAsync(
        string id, EventRuleDescription rule, RuleTargetDescription target, JsonObject evt, CancellationToken cancellationToken)
    {
        JsonNode? input = null;
        try
        {
            input = target.Input?.DeepClone() ?? (target.InputPath is { } path ? InputPath.Select(evt, path) : evt.DeepClone());
            await invoker.InvokeAsync(target.Arn, input, cancellationToken);
            return new EventDelivery(id, rule.Name, target.Id, target.Arn, input, null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new EventDelivery(id, rule.Name, target.Id, target.Arn, input, $"{e.GetType().Name}: {e.Message}");
        }
    }
}
