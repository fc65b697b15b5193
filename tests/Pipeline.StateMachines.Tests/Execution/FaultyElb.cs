using System.Net;
using Pipeline.Core.Time;
using Pipeline.Local.Aws.CloudFormation;
using Pipeline.Local.Aws.ELBv2;
using Pipeline.States;

namespace Pipeline.StateMachines.Tests.Execution;

/// <summary>
/// <c>aws-sdk:elasticloadbalancingv2:*</c> served by the local ELBv2 service (the stack's target
/// groups, listener rules and HTTP health checks), with the two faults of AWS the deploy must
/// survive and the local service has no cause to produce: a rule priority another writer takes
/// between DescribeRules and CreateRule, and a CreateRule whose answer is lost after it succeeded.
/// </summary>
internal sealed class FaultyElb : ITaskIntegration, IAsyncDisposable
{
    public const string ListenerArn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/pipeline-health/50dc6c495c0c9188/f2f7dc8efc522ab2";

    /// <summary>
    /// ELB's clock runs ten times faster than real time, slower than the machine's hundredfold waits:
    /// a 5 s check interval is half a second, well inside the deploy's health deadline, and the
    /// 30 s deregistration delay (3 s) outlasts what is left of a run once it deregisters a target,
    /// as on AWS, while ending well inside the deploy's wait for draining.
    /// </summary>
    private const double ClockScale = 10;

    private readonly object _gate = new();
    private readonly LocalTargetGroups _groups;
    private readonly TargetGroupsIntegration _service;
    private readonly ConcurrentDictionary<string, string?> _stackTags = new(StringComparer.Ordinal);
    private int _priorityClashes;
    private bool _loseNextCreateRuleAnswer;

    public FaultyElb()
    {
        _groups = new LocalTargetGroups(new IpTargets(), new StackContext(), new ScaledTimeProvider(DateTimeOffset.UtcNow, ClockScale));
        _groups.CreateListener(ListenerArn);
        _service = new TargetGroupsIntegration(new ElasticLoadBalancingV2Integration(_groups));
    }

    /// <summary>How many of the next CreateRule calls find their priority taken by some other rule.</summary>
    public int PriorityClashes
    {
        set
        {
            lock (_gate)
            {
                _priorityClashes = value;
            }
        }
    }

    /// <summary>The next CreateRule creates its rule but its answer is lost (a transient error, so the Task retries).</summary>
    public bool LoseNextCreateRuleAnswer
    {
        set
        {
            lock (_gate)
            {
                _loseNextCreateRuleAnswer = value;
            }
        }
    }

    public IReadOnlyCollection<string> GroupNames => [.. _groups.DescribeTargetGroups().Select(g => g.TargetGroupName)];

    /// <summary>The target groups the listener's rules forward to.</summary>
    public IReadOnlyCollection<string> RuleTargets => [.. _groups.DescribeRules(ListenerArn).Select(r => r.TargetGroupArn)];

    /// <summary>The targets of a group, draining ones included, as "address:port".</summary>
    public IReadOnlyList<string> TargetsOf(string groupName)
    {
        var arn = _groups.DescribeTargetGroups(names: [groupName]).Single().TargetGroupArn;
        return [.. _groups.DescribeTargetHealth(new DescribeTargetHealthRequest(arn)).TargetHealthDescriptions
            .Select(d => $"{d.Target.Id}:{d.Target.Port}")];
    }

    /// <summary>The <c>pipeline:stack</c> tag CreateTargetGroup was given for a group (the local service checks tags, it does not keep them).</summary>
    public string? StackTagOf(string groupName) => _stackTags[groupName];

    public async Task<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        var action = invocation.Resource[(invocation.Resource.LastIndexOf(':') + 1)..];
        if (action == "createRule" && TakeFault(ref _priorityClashes))
        {
            throw new StatesException("ElasticLoadBalancingV2.PriorityInUseException", $"Priority '{invocation.Input!["Priority"]}' is currently in use");
        }

        var answer = await _service.InvokeAsync(invocation, cancellationToken);
        if (action == "createTargetGroup")
        {
            _stackTags[(string)invocation.Input!["Name"]!] = invocation.Input["Tags"]?.AsArray()
                .FirstOrDefault(t => (string?)t!["Key"] == "pipeline:stack")?["Value"]?.GetValue<string>();
        }

        bool lose;
        lock (_gate)
        {
            lose = action == "createRule" && _loseNextCreateRuleAnswer;
            _loseNextCreateRuleAnswer &= !lose;
        }

        return lose ? throw new StatesException("ElasticLoadBalancingV2.SdkClientException", "Unable to execute HTTP request: Read timed out") : answer;
    }

    public ValueTask DisposeAsync() => _groups.DisposeAsync();

    private bool TakeFault(ref int remaining)
    {
        lock (_gate)
        {
            if (remaining == 0)
            {
                return false;
            }

            remaining--;
            return true;
        }
    }

    /// <summary>The deploy registers ip targets: an address is its own host.</summary>
    private sealed class IpTargets : ITargetAddresses
    {
        public (string? Host, string? Problem) Resolve(string targetId) =>
            IPAddress.TryParse(targetId, out _) ? (targetId, null) : (null, $"'{targetId}' is not an IP address");
    }
}
