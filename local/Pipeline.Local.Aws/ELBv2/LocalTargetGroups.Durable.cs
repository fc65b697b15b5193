namespace Pipeline.Local.Aws.ELBv2;

/// <summary>
/// Target groups that outlive the stack, as ELB's do: after each change the groups, their registered
/// targets, the listeners and their rules are written whole to one file, and the next stack restores
/// them from it. Draining targets are not kept: a restart ends their drain.
/// </summary>
public sealed partial class LocalTargetGroups
{
    private readonly object _saveGate = new();
    private string? _statePath;

    /// <summary>
    /// Restores what <paramref name="path"/> holds (after the fleet, so that targets resolve) and saves
    /// every later change there. A target whose instance no longer runs is left out, as ELB drops a
    /// terminated instance. Returns the groups and targets restored.
    /// </summary>
    public (int Groups, int Targets) PersistTo(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var (groups, targets) = (0, 0);
        if (WholeFile.Read(path) is { } text)
        {
            var state = JsonNode.Parse(text)!.AsObject();
            foreach (var listener in state["listeners"]!.AsArray())
            {
                CreateListener(listener!.GetValue<string>());
            }
            var restored = new List<(Group Group, JsonArray Targets)>();
            foreach (var g in state["groups"]!.AsArray().Select(n => n!.AsObject()))
            {
                var group = new Group(g["arn"]!.GetValue<string>(), Settings(g["settings"]!.AsObject()));
                _groups[group.Arn] = group;
                restored.Add((group, g["targets"]!.AsArray()));
                groups++;
            }
            lock (_rulesGate)
            {
                foreach (var r in state["rules"]!.AsArray().Select(n => n!.AsObject()))
                {
                    var rule = new LocalRule(r["arn"]!.GetValue<string>(), r["listenerArn"]!.GetValue<string>(), r["priority"]!.GetValue<int>(),
                        r["targetGroupArn"]!.GetValue<string>(), r["conditions"].Deserialize(ElbJsonContext.Default.IReadOnlyListRuleCondition) ?? []);
                    _rules[rule.Arn] = rule;
                }
            }
            foreach (var (group, members) in restored)
            {
                foreach (var t in members.Select(n => n!.AsObject()))
                {
                    var key = new TargetDescription(t["id"]!.GetValue<string>(), t["port"]!.GetValue<int>());
                    if (_addresses.Resolve(key.Id).Host is { } host)
                    {
                        group.Targets[key] = Start(group, key, host);
                        targets++;
                    }
                }
            }
        }
        _statePath = path;
        Save();
        return (groups, targets);
    }

    private void Save()
    {
        if (_statePath is null)
        {
            return;
        }
        lock (_saveGate)
        {
            JsonArray rules;
            JsonArray listeners;
            lock (_rulesGate)
            {
                listeners = [.. _listeners.Keys.Order(StringComparer.Ordinal).Select(l => (JsonNode)l)];
                rules = [.. _rules.Values.OrderBy(r => r.Arn, StringComparer.Ordinal).Select(r => (JsonNode)new JsonObject
                {
                    ["arn"] = r.Arn,
                    ["listenerArn"] = r.ListenerArn,
                    ["priority"] = r.Priority,
                    ["targetGroupArn"] = r.TargetGroupArn,
                    ["conditions"] = JsonSerializer.SerializeToNode(r.Conditions, ElbJsonContext.Default.IReadOnlyListRuleCondition),
                })];
            }
            var groups = new JsonArray([.. _groups.Values.OrderBy(g => g.Arn, StringComparer.Ordinal).Select(g => (JsonNode)new JsonObject
            {
                ["arn"] = g.Arn,
                ["settings"] = Settings(g.Settings),
                ["targets"] = new JsonArray([.. g.Targets.Where(t => t.Value.State != "draining")
                    .Select(t => (JsonNode)new JsonObject { ["id"] = t.Key.Id, ["port"] = t.Key.Port })]),
            })]);
            WholeFile.Write(_statePath, new JsonObject { ["listeners"] = listeners, ["groups"] = groups, ["rules"] = rules }.ToJsonString());
        }
    }

    private static JsonObject Settings(TargetGroupSettings s) => new()
    {
        ["name"] = s.Name,
        ["port"] = s.Port,
        ["healthCheckPath"] = s.HealthCheckPath,
        ["healthCheckIntervalMs"] = (long)s.HealthCheckInterval.TotalMilliseconds,
        ["healthCheckTimeoutMs"] = (long)s.HealthCheckTimeout.TotalMilliseconds,
        ["healthyThresholdCount"] = s.HealthyThresholdCount,
        ["unhealthyThresholdCount"] = s.UnhealthyThresholdCount,
        ["matcher"] = s.Matcher,
        ["deregistrationDelayMs"] = (long)s.DeregistrationDelay.TotalMilliseconds,
    };

    private static TargetGroupSettings Settings(JsonObject o) => new(o["name"]!.GetValue<string>(), o["port"]!.GetValue<int>())
    {
        HealthCheckPath = o["healthCheckPath"]!.GetValue<string>(),
        HealthCheckInterval = TimeSpan.FromMilliseconds(o["healthCheckIntervalMs"]!.GetValue<long>()),
        HealthCheckTimeout = TimeSpan.FromMilliseconds(o["healthCheckTimeoutMs"]!.GetValue<long>()),
        HealthyThresholdCount = o["healthyThresholdCount"]!.GetValue<int>(),
        UnhealthyThresholdCount = o["unhealthyThresholdCount"]!.GetValue<int>(),
        Matcher = o["matcher"]!.GetValue<string>(),
        DeregistrationDelay = TimeSpan.FromMilliseconds(o["deregistrationDelayMs"]!.GetValue<long>()),
    };
}
