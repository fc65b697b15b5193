namespace Pipeline.Local.Aws.Tests.ELBv2;

/// <summary>
/// ELB health-checks only the groups a load balancer uses; the listener's rules are what uses
/// them. These run real instances, so "never checked" is measured, not assumed.
/// </summary>
public sealed class LocalTargetGroupRulesTests : TargetGroupsOnFleet
{
    private const string Prefix = ElasticLoadBalancingV2Integration.ResourcePrefix;
    private readonly ElasticLoadBalancingV2Integration _elb;

    public LocalTargetGroupRulesTests()
    {
        _elb = new ElasticLoadBalancingV2Integration(Groups);
    }

    private string CreateGroup(string name, int interval = 5, int healthy = 2) => _elb.Invoke(Prefix + "createTargetGroup", JsonNode.Parse(
        $$"""{"Name": "{{name}}", "Port": 80, "HealthCheckPath": "/health", "HealthCheckIntervalSeconds": {{interval}}, "HealthCheckTimeoutSeconds": 2, "HealthyThresholdCount": {{healthy}}}"""))
        ["TargetGroups"]![0]!["TargetGroupArn"]!.GetValue<string>();

    private JsonNode CreateRule(string group, int priority, string listener = Listener) => _elb.Invoke(Prefix + "createRule", new JsonObject
    {
        ["ListenerArn"] = listener,
        ["Priority"] = priority,
        ["Conditions"] = new JsonArray(new JsonObject
        {
            ["Field"] = "http-header",
            ["HttpHeaderConfig"] = new JsonObject { ["HttpHeaderName"] = "X-Pipeline-Target-Group", ["Values"] = new JsonArray("g") },
        }),
        ["Actions"] = new JsonArray(new JsonObject { ["Type"] = "forward", ["TargetGroupArn"] = group }),
    });

    private async Task<(FleetInstance Instance, string Health)> RegisteredAsync(string group)
    {
        var instance = await LaunchAsync();
        Groups.RegisterTargets(new TargetsRequest(group, [new TargetDescription(instance.InstanceId, instance.Port)]));
        return (instance, $"http://127.0.0.1:{instance.Port}/");
    }

    private TargetHealth Health(string group) =>
        Groups.DescribeTargetHealth(new DescribeTargetHealthRequest(group)).TargetHealthDescriptions.Single().TargetHealth;

    [Fact]
    public async Task Register_WhenNoRuleForwardsToTheGroup_ShouldStayUnusedAndNeverBeChecked()
    {
        var group = CreateGroup("unattached-v1", interval: 5);
        var (instance, _) = await RegisteredAsync(group);
        var before = await Http.GetStringAsync(new Uri($"http://127.0.0.1:{instance.Port}/health-checks"));

        await Task.Delay(TimeSpan.FromSeconds(6));

        Assert.Equal(new TargetHealth("unused", "Target.NotInUse", TargetMonitor.NotInUse.Description), Health(group));
        Assert.Equal(before, await Http.GetStringAsync(new Uri($"http://127.0.0.1:{instance.Port}/health-checks")));
    }

    [Fact]
    public async Task CreateRule_WhenTheGroupHasTargets_ShouldStartThemInitialThenHealthy()
    {
        var group = CreateGroup("attached-v1", interval: 5);
        var (_, health) = await RegisteredAsync(group);
        Assert.Equal("unused", Health(group).State);
        // The first check starts as soon as the rule exists; the target answers it only after
        // 1.8 s (within the 2 s timeout), so the state read just after the rule is the one ELB
        // reports before any check has completed.
        await Http.GetStringAsync(new Uri(health + "set-health?code=200&delay=1800"));

        var rule = CreateRule(group, 10)["Rules"]![0]!;

        Assert.Equal("initial", Health(group).State);
        Assert.Equal("10", rule["Priority"]!.GetValue<string>());
        await Eventually.WaitForAsync(() => Health(group), h => h.State == "healthy", TimeSpan.FromSeconds(30));
        Assert.NotEqual("0", await Http.GetStringAsync(new Uri(health + "health-checks")));
    }

    [Fact]
    public void CreateRule_WhenThePriorityIsTaken_ShouldBePriorityInUse()
    {
        CreateRule(CreateGroup("first-v1"), 7);

        var error = Assert.Throws<ElasticLoadBalancingException>(() => CreateRule(CreateGroup("second-v1"), 7));

        Assert.Equal("ElasticLoadBalancingV2.PriorityInUseException", error.ErrorType);
    }

    [Fact]
    public void CreateRule_RetriedAfterALostSuccess_ShouldBePriorityInUseAndLeaveExactlyOneRuleForTheGroup()
    {
        var group = CreateGroup("retried-v1");
        CreateRule(group, 12);

        var error = Assert.Throws<ElasticLoadBalancingException>(() => CreateRule(group, 12));

        Assert.Equal("ElasticLoadBalancingV2.PriorityInUseException", error.ErrorType);
        Assert.Single(Groups.DescribeRules(Listener), r => r.TargetGroupArn == group);
    }

    [Fact]
    public void CreateRule_WhenTheListenerIsFullOrUnknown_ShouldRefuseLikeElb()
    {
        var group = CreateGroup("many-v1");
        for (var priority = 1; priority <= LocalTargetGroups.MaxRulesPerListener; priority++)
        {
            CreateRule(group, priority);
        }

        var full = Assert.Throws<ElasticLoadBalancingException>(() => CreateRule(group, 500));
        var unknown = Assert.Throws<ElasticLoadBalancingException>(() => CreateRule(group, 501, Listener + "-gone"));

        Assert.Equal("ElasticLoadBalancingV2.TooManyRulesException", full.ErrorType);
        Assert.Equal("ElasticLoadBalancingV2.ListenerNotFoundException", unknown.ErrorType);
    }

    [Fact]
    public async Task DeleteTargetGroup_WhileARuleForwardsToIt_ShouldBeResourceInUseUntilTheRuleIsGone()
    {
        var group = CreateGroup("in-use-v1");
        await RegisteredAsync(group);
        var ruleArn = CreateRule(group, 3)["Rules"]![0]!["RuleArn"]!.GetValue<string>();

        var inUse = Assert.Throws<ElasticLoadBalancingException>(() => _elb.Invoke(Prefix + "deleteTargetGroup", new JsonObject { ["TargetGroupArn"] = group }));
        var listed = _elb.Invoke(Prefix + "describeRules", new JsonObject { ["ListenerArn"] = Listener, ["PageSize"] = 400 })["Rules"]!.AsArray();
        _elb.Invoke(Prefix + "deleteRule", new JsonObject { ["RuleArn"] = ruleArn });
        var unusedAgain = Health(group);
        _elb.Invoke(Prefix + "deleteTargetGroup", new JsonObject { ["TargetGroupArn"] = group });

        Assert.Equal("ElasticLoadBalancingV2.ResourceInUseException", inUse.ErrorType);
        Assert.Equal([ruleArn, ruleArn.Replace("/" + ruleArn.Split('/')[^1], "/default", StringComparison.Ordinal)],
            listed.Select(r => r!["RuleArn"]!.GetValue<string>()));
        Assert.Equal(group, listed[0]!["Actions"]![0]!["TargetGroupArn"]!.GetValue<string>());
        Assert.True(listed[1]!["IsDefault"]!.GetValue<bool>());
        Assert.Equal("unused", unusedAgain.State);
        Assert.DoesNotContain(Groups.DescribeTargetGroups(), g => g.TargetGroupArn == group);
    }
}
