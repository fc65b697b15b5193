namespace Pipeline.Local.Aws.ELBv2;

/// <summary>A rule condition as ELBv2 takes it; the local listener matches no traffic, so conditions are only checked and kept.</summary>
public sealed record RuleCondition(
    string Field,
    IReadOnlyList<string>? Values = null,
    HttpHeaderConditionConfig? HttpHeaderConfig = null,
    ValuesConditionConfig? HostHeaderConfig = null,
    ValuesConditionConfig? PathPatternConfig = null);

/// <summary>HttpHeaderConfig of an <c>http-header</c> condition.</summary>
public sealed record HttpHeaderConditionConfig(string HttpHeaderName, IReadOnlyList<string> Values);

/// <summary>HostHeaderConfig or PathPatternConfig.</summary>
public sealed record ValuesConditionConfig(IReadOnlyList<string> Values);

/// <summary>A rule action; only <c>forward</c> to one target group is served locally.</summary>
public sealed record RuleAction(string Type, string? TargetGroupArn = null, int? Order = null);

/// <summary>CreateRule input.</summary>
public sealed record CreateRuleRequest(
    string ListenerArn,
    int Priority,
    IReadOnlyList<RuleCondition> Conditions,
    IReadOnlyList<RuleAction> Actions,
    IReadOnlyList<TagItem>? Tags = null)
{
    private static readonly string[] Fields = ["http-header", "host-header", "path-pattern", "http-request-method", "query-string", "source-ip"];

    /// <summary>The one target group the rule forwards to, after ELB's checks of priority, conditions and actions.</summary>
    public string ForwardTarget()
    {
        if (Priority is < 1 or > 50000)
        {
            throw ElasticLoadBalancingException.Validation($"Priority: must be from 1 to 50000, got {Priority}");
        }

        if (Conditions is not { Count: > 0 } || Conditions.Any(c => !Fields.Contains(c.Field)))
        {
            throw ElasticLoadBalancingException.Validation($"Conditions: at least one, each with Field one of {string.Join(", ", Fields)}");
        }

        if (Conditions.Any(c => c.Field == "http-header" && (c.HttpHeaderConfig is not { Values.Count: > 0 } h || string.IsNullOrEmpty(h.HttpHeaderName))))
        {
            throw ElasticLoadBalancingException.Validation("Conditions: an http-header condition needs HttpHeaderConfig with a name and at least one value");
        }

        return Actions is [{ Type: "forward", TargetGroupArn: { Length: > 0 } arn }] ? arn
            : throw ElasticLoadBalancingException.Validation("Actions: the local listener serves exactly one forward action with a TargetGroupArn");
    }
}

/// <summary>DeleteRule input.</summary>
public sealed record DeleteRuleRequest(string RuleArn);

/// <summary>DescribeRules input: a listener's rules (RuleArns and Marker are not served locally).</summary>
public sealed record DescribeRulesRequest(string ListenerArn, int? PageSize = null);
