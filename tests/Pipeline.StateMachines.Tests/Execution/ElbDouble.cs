using Pipeline.States;

namespace Pipeline.StateMachines.Tests.Execution;

/// <summary>
/// ELBv2 target groups through <c>aws-sdk:elasticloadbalancingv2:*</c>, with the documented
/// behaviour the machine relies on: CreateTargetGroup is idempotent for the same settings and
/// refuses different ones, targets start <c>initial</c> and turn <c>healthy</c> after a few checks
/// (or never, for a broken build), deregistered targets stay <c>draining</c> for a while. As on
/// AWS, targets of a group no listener rule forwards to are <c>unused</c> and never checked, a rule
/// priority is unique on the listener and a group a rule uses cannot be deleted.
/// </summary>
internal sealed class ElbDouble
{
    public const string ListenerArn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/pipeline-health/50dc6c495c0c9188/f2f7dc8efc522ab2";

    private readonly object _gate = new();
    private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Priority, string TargetGroupArn)> _rules = new(StringComparer.Ordinal);

    /// <summary>How many of the next CreateRule calls find their priority held by some other rule.</summary>
    public int PriorityClashes { get; set; }

    /// <summary>The next CreateRule creates its rule but its answer is lost (a transient error, so the Task retries).</summary>
    public bool LoseNextCreateRuleAnswer { get; set; }

    public IReadOnlyCollection<string> RuleTargets
    {
        get
        {
            lock (_gate)
            {
                return _rules.Values.Select(r => r.TargetGroupArn).ToList();
            }
        }
    }

    /// <summary>Describe calls a new target needs before it reports healthy.</summary>
    public int ChecksUntilHealthy { get; set; } = 2;

    /// <summary>Target addresses whose health checks always fail.</summary>
    public HashSet<string> BrokenTargets { get; } = [];

    public List<string> Calls { get; } = [];

    public IReadOnlyCollection<string> GroupNames
    {
        get
        {
            lock (_gate)
            {
                return _groups.Keys.ToList();
            }
        }
    }

    public IReadOnlyList<string> TargetsOf(string groupName)
    {
        lock (_gate)
        {
            return _groups[groupName].Targets.Keys.ToList();
        }
    }

    public Task<JsonNode?> InvokeAsync(TaskInvocation invocation)
    {
        var action = invocation.Resource[(invocation.Resource.LastIndexOf(':') + 1)..];
        var input = invocation.Input!.AsObject();
        lock (_gate)
        {
            Calls.Add(action);
            JsonNode result = action switch
            {
                "createTargetGroup" => Create(input),
                "describeTargetGroups" => DescribeGroups(input),
                "registerTargets" => Register(input),
                "describeTargetHealth" => DescribeHealth(input),
                "deregisterTargets" => Deregister(input),
                "deleteTargetGroup" => Delete(input),
                "modifyTargetGroupAttributes" => Modify(input),
                "createRule" => CreateRule(input),
                "describeRules" => DescribeRules(input),
                "deleteRule" => DeleteRule(input),
                _ => throw new StatesException("ElasticLoadBalancingV2.ElasticLoadBalancingV2Exception", $"{action} is not served by this double"),
            };
            return Task.FromResult<JsonNode?>(result);
        }
    }

    /// <summary>The <c>pipeline:stack</c> tag a group was created with.</summary>
    public string? StackTagOf(string groupName)
    {
        lock (_gate)
        {
            return JsonNode.Parse(_groups[groupName].Settings)!["Tags"]?.AsArray()
                .FirstOrDefault(t => (string?)t!["Key"] == "pipeline:stack")?["Value"]?.GetValue<string>();
        }
    }

    private JsonObject Create(JsonObject input)
    {
        var name = (string)input["Name"]!;
        var settings = input.ToJsonString();
        if (_groups.TryGetValue(name, out var existing) && existing.Settings != settings)
        {
            throw new StatesException("ElasticLoadBalancingV2.DuplicateTargetGroupNameException", $"A target group with the same name '{name}' exists, but with different settings");
        }

        if (existing is null)
        {
            existing = new Group(name, $"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/{name}/{Guid.NewGuid():N}", settings);
            _groups[name] = existing;
        }

        return new JsonObject { ["TargetGroups"] = new JsonArray(Describe(existing)) };
    }

    private JsonObject DescribeGroups(JsonObject input)
    {
        var names = input["Names"]!.AsArray().Select(n => (string)n!).ToList();
        var missing = names.Where(n => !_groups.ContainsKey(n)).ToList();
        if (missing.Count > 0)
        {
            throw new StatesException("ElasticLoadBalancingV2.TargetGroupNotFoundException", $"One or more target groups not found: {string.Join(", ", missing)}");
        }

        return new JsonObject { ["TargetGroups"] = new JsonArray(names.Select(n => (JsonNode)Describe(_groups[n])).ToArray()) };
    }

    private JsonObject Register(JsonObject input)
    {
        var group = ByArn(input);
        foreach (var target in input["Targets"]!.AsArray())
        {
            group.Targets[$"{(string)target!["Id"]!}:{(int)target["Port"]!}"] = new TargetState("initial", 0);
        }

        return [];
    }

    private JsonObject DescribeHealth(JsonObject input)
    {
        var group = ByArn(input);
        var keys = input["Targets"] is JsonArray asked
            ? asked.Select(t => $"{(string)t!["Id"]!}:{(int)t["Port"]!}").ToList()
            : group.Targets.Keys.ToList();
        var descriptions = new JsonArray();
        foreach (var key in keys)
        {
            var state = Advance(group, key);
            if (state is null)
            {
                continue;
            }

            var (id, port) = (key[..key.LastIndexOf(':')], int.Parse(key[(key.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            descriptions.Add(new JsonObject
            {
                ["Target"] = new JsonObject { ["Id"] = id, ["Port"] = port },
                ["HealthCheckPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["TargetHealth"] = new JsonObject { ["State"] = state },
            });
        }

        return new JsonObject { ["TargetHealthDescriptions"] = descriptions };
    }

    private string? Advance(Group group, string key)
    {
        if (!group.Targets.TryGetValue(key, out var target))
        {
            return null;
        }

        if (target.State != "draining" && !_rules.Values.Any(r => r.TargetGroupArn == group.Arn))
        {
            return "unused";
        }

        var checks = target.Checks + 1;
        var address = key[..key.LastIndexOf(':')];
        var state = target.State switch
        {
            "draining" when checks > 2 => null,
            "draining" => "draining",
            _ when BrokenTargets.Contains(address) => checks >= 2 ? "unhealthy" : "initial",
            _ => checks >= ChecksUntilHealthy ? "healthy" : "initial",
        };
        if (state is null)
        {
            group.Targets.Remove(key);
        }
        else
        {
            group.Targets[key] = new TargetState(target.State == "draining" ? "draining" : state, checks);
        }

        return state;
    }

    private JsonObject Deregister(JsonObject input)
    {
        var group = ByArn(input);
        foreach (var target in input["Targets"]!.AsArray())
        {
            var key = $"{(string)target!["Id"]!}:{(int)target["Port"]!}";
            if (group.Targets.ContainsKey(key))
            {
                group.Targets[key] = new TargetState("draining", 0);
            }
        }

        return [];
    }

    private JsonObject Modify(JsonObject input)
    {
        ByArn(input);
        return new JsonObject { ["Attributes"] = input["Attributes"]!.DeepClone() };
    }

    private JsonObject Delete(JsonObject input)
    {
        var group = ByArn(input);
        if (_rules.Values.Any(r => r.TargetGroupArn == group.Arn))
        {
            throw new StatesException("ElasticLoadBalancingV2.ResourceInUseException", $"Target group '{group.Arn}' is currently in use by a listener or a rule");
        }

        _groups.Remove(group.Name);
        return [];
    }

    private JsonObject CreateRule(JsonObject input)
    {
        Assert.Equal(ListenerArn, (string?)input["ListenerArn"]);
        var priority = (int)input["Priority"]!.GetValue<long>();
        var target = (string)input["Actions"]![0]!["TargetGroupArn"]!;
        ByArn(new JsonObject { ["TargetGroupArn"] = target });
        if (priority is < 1 or > 50000)
        {
            throw new StatesException("ElasticLoadBalancingV2.ValidationException", $"priority {priority} is outside 1-50000");
        }

        if (PriorityClashes > 0 || _rules.Values.Any(r => r.Priority == priority))
        {
            PriorityClashes = Math.Max(0, PriorityClashes - 1);
            throw new StatesException("ElasticLoadBalancingV2.PriorityInUseException", $"Priority '{priority}' is currently in use");
        }

        var arn = ListenerArn.Replace(":listener/", ":listener-rule/", StringComparison.Ordinal) + "/" + Guid.NewGuid().ToString("N")[..16];
        _rules[arn] = (priority, target);
        if (LoseNextCreateRuleAnswer)
        {
            LoseNextCreateRuleAnswer = false;
            throw new StatesException("ElasticLoadBalancingV2.SdkClientException", "Unable to execute HTTP request: Read timed out");
        }

        return new JsonObject { ["Rules"] = new JsonArray(Rule(arn, priority, target)) };
    }

    private JsonObject DescribeRules(JsonObject input)
    {
        Assert.Equal(ListenerArn, (string?)input["ListenerArn"]);
        var rules = new JsonArray([.. _rules.OrderBy(r => r.Value.Priority).Select(r => (JsonNode)Rule(r.Key, r.Value.Priority, r.Value.TargetGroupArn))]);
        rules.Add(new JsonObject
        {
            ["RuleArn"] = ListenerArn.Replace(":listener/", ":listener-rule/", StringComparison.Ordinal) + "/default",
            ["Priority"] = "default",
            ["Actions"] = new JsonArray(new JsonObject { ["Type"] = "fixed-response" }),
            ["IsDefault"] = true,
        });
        return new JsonObject { ["Rules"] = rules };
    }

    private JsonObject DeleteRule(JsonObject input)
    {
        var arn = (string)input["RuleArn"]!;
        return _rules.Remove(arn) ? []
            : throw new StatesException("ElasticLoadBalancingV2.RuleNotFoundException", $"One or more rules not found: {arn}");
    }

    private static JsonObject Rule(string arn, int priority, string target) => new()
    {
        ["RuleArn"] = arn,
        ["Priority"] = priority.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Actions"] = new JsonArray(new JsonObject { ["Type"] = "forward", ["TargetGroupArn"] = target }),
        ["IsDefault"] = false,
    };

    private Group ByArn(JsonObject input)
    {
        var arn = (string)input["TargetGroupArn"]!;
        return _groups.Values.FirstOrDefault(g => g.Arn == arn)
            ?? throw new StatesException("ElasticLoadBalancingV2.TargetGroupNotFoundException", $"Target groups '{arn}' not found");
    }

    private static JsonObject Describe(Group group) => new()
    {
        ["TargetGroupArn"] = group.Arn,
        ["TargetGroupName"] = group.Name,
        ["Protocol"] = "HTTP",
        ["TargetType"] = "ip",
    };

    private sealed record Group(string Name, string Arn, string Settings)
    {
        public Dictionary<string, TargetState> Targets { get; } = new(StringComparer.Ordinal);
    }

    private sealed record TargetState(string State, int Checks);
}
