namespace Pipeline.Local.Aws.ELBv2;

/// <summary>
/// Listeners and their rules: what makes a load balancer use a target group. The stack creates the
/// listeners its template declares (<see cref="CreateListener"/>); the state machine adds a rule
/// forwarding to each version's group and removes it before deleting the group, as ELB requires.
/// </summary>
public sealed partial class LocalTargetGroups
{
    /// <summary>ELB's default quota of rules per Application Load Balancer listener, the default rule not counted.</summary>
    public const int MaxRulesPerListener = 100;

    private readonly object _rulesGate = new();
    private readonly Dictionary<string, string> _listeners = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LocalRule> _rules = new(StringComparer.Ordinal);

    /// <summary>A listener, with its ARN as the template's Ref would give it; its default action forwards nowhere.</summary>
    public void CreateListener(string listenerArn)
    {
        ArgumentException.ThrowIfNullOrEmpty(listenerArn);
        lock (_rulesGate)
        {
            _listeners[listenerArn] = listenerArn;
        }
        Save();
    }

    public LocalRule CreateRule(CreateRuleRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var targetGroupArn = request.ForwardTarget();
        var group = _groups.GetValueOrDefault(targetGroupArn) ?? throw ElasticLoadBalancingException.TargetGroupNotFound(targetGroupArn);
        LocalRule rule;
        lock (_rulesGate)
        {
            if (!_listeners.ContainsKey(request.ListenerArn))
            {
                throw new ElasticLoadBalancingException("ListenerNotFoundException", $"One or more listeners not found: {request.ListenerArn}");
            }

            var onListener = _rules.Values.Where(r => r.ListenerArn == request.ListenerArn).ToList();
            if (onListener.Any(r => r.Priority == request.Priority))
            {
                throw new ElasticLoadBalancingException("PriorityInUseException", $"Priority '{request.Priority}' is currently in use");
            }

            if (onListener.Count >= MaxRulesPerListener)
            {
                throw new ElasticLoadBalancingException("TooManyRulesException", $"A listener can have at most {MaxRulesPerListener} rules");
            }

            var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            rule = new LocalRule(request.ListenerArn.Replace(":listener/", ":listener-rule/", StringComparison.Ordinal) + "/" + id,
                request.ListenerArn, request.Priority, targetGroupArn, request.Conditions);
            _rules[rule.Arn] = rule;
        }

        foreach (var target in group.Targets.Values)
        {
            target.Activate();
        }

        Save();
        return rule;
    }

    /// <summary>Removes a rule; once no rule forwards to its group, the group's targets are unused again and no longer checked.</summary>
    public void DeleteRule(string ruleArn)
    {
        LocalRule rule;
        lock (_rulesGate)
        {
            if (!_rules.Remove(ruleArn ?? "", out rule!))
            {
                throw new ElasticLoadBalancingException("RuleNotFoundException", $"One or more rules not found: {ruleArn}");
            }
        }

        if (!IsInUse(rule.TargetGroupArn) && _groups.TryGetValue(rule.TargetGroupArn, out var group))
        {
            foreach (var (key, monitor) in group.Targets)
            {
                if (monitor.State != "draining")
                {
                    monitor.Stop();
                    group.Targets[key] = Start(group, key, _addresses.Resolve(key.Id).Host ?? "127.0.0.1");
                }
            }
        }
        Save();
    }

    /// <summary>The rules of a listener by priority, then its default rule, as DescribeRules lists them.</summary>
    public IReadOnlyList<LocalRule> DescribeRules(string listenerArn)
    {
        lock (_rulesGate)
        {
            return _listeners.ContainsKey(listenerArn ?? "")
                ? [.. _rules.Values.Where(r => r.ListenerArn == listenerArn).OrderBy(r => r.Priority)]
                : throw new ElasticLoadBalancingException("ListenerNotFoundException", $"One or more listeners not found: {listenerArn}");
        }
    }

    private bool IsInUse(string targetGroupArn)
    {
        lock (_rulesGate)
        {
            return _rules.Values.Any(r => r.TargetGroupArn == targetGroupArn);
        }
    }
}

/// <summary>A listener rule forwarding to one target group.</summary>
public sealed record LocalRule(string Arn, string ListenerArn, int Priority, string TargetGroupArn, IReadOnlyList<RuleCondition> Conditions)
{
    public string PriorityText => Priority.ToString(CultureInfo.InvariantCulture);
}
