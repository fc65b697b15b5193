namespace Pipeline.Local.Aws.Tests.ELBv2;

public sealed class LocalTargetGroupsTests : TargetGroupsOnFleet
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly TargetGroupDescription _group;

    public LocalTargetGroupsTests()
    {
        _group = Groups.CreateTargetGroup(new TargetGroupSettings("svc-tg", 80)
        {
            HealthCheckPath = "/health",
            HealthCheckInterval = TimeSpan.FromMilliseconds(200),
            HealthCheckTimeout = TimeSpan.FromMilliseconds(150),
            HealthyThresholdCount = 3,
            UnhealthyThresholdCount = 2,
            DeregistrationDelay = TimeSpan.FromSeconds(1),
        });
        // ELB checks only groups a load balancer uses: these tests are about the checks, so the group is attached.
        Groups.CreateRule(new CreateRuleRequest(Listener, 1,
            [new RuleCondition("http-header", HttpHeaderConfig: new HttpHeaderConditionConfig("X-Pipeline-Target-Group", ["svc-tg"]))],
            [new RuleAction("forward", _group.TargetGroupArn)]));
    }

    /// <summary>A launched instance, registered, once its first check has passed.</summary>
    private async Task<FleetInstance> HealthyTargetAsync()
    {
        var instance = await LaunchAsync();
        Register(instance);
        await HealthBecomesAsync(instance, "healthy");
        return instance;
    }

    private TargetHealth Health(FleetInstance instance) =>
        Groups.DescribeTargetHealth(new DescribeTargetHealthRequest(_group.TargetGroupArn, [new TargetDescription(instance.InstanceId, instance.Port)]))
            .TargetHealthDescriptions.Single().TargetHealth;

    private Task<TargetHealth> HealthBecomesAsync(FleetInstance instance, string state) =>
        Eventually.WaitForAsync(() => Health(instance), h => h.State == state, Wait);

    private void Register(params FleetInstance[] instances) =>
        Groups.RegisterTargets(new TargetsRequest(_group.TargetGroupArn, [.. instances.Select(i => new TargetDescription(i.InstanceId, i.Port))]));

    private Task<string> SetHealthAsync(FleetInstance instance, int code, int delayMs = 0) =>
        Http.GetStringAsync(new Uri($"http://127.0.0.1:{instance.Port}/set-health?code={code}&delay={delayMs}"));

    [Fact]
    public async Task Register_WhenTargetsServeHealth_ShouldGoFromInitialToHealthy()
    {
        var a = await LaunchAsync();
        var b = await LaunchAsync();
        // a's first checks time out (150 ms each): it stays initial until the second failure
        // (UnhealthyThresholdCount 2), so the state read just after registering cannot have
        // raced a passing check. Then a answers promptly again.
        await SetHealthAsync(a, 200, delayMs: 5000);

        Register(a, b);
        var first = Health(a);
        await SetHealthAsync(a, 200);

        Assert.Equal("initial", first.State);
        Assert.StartsWith("Elb.", first.Reason, StringComparison.Ordinal);
        Assert.Equal("healthy", (await HealthBecomesAsync(a, "healthy")).State);
        Assert.Equal("healthy", (await HealthBecomesAsync(b, "healthy")).State);
        var all = Groups.DescribeTargetHealth(new DescribeTargetHealthRequest(_group.TargetGroupArn));
        Assert.Equal(2, all.TargetHealthDescriptions.Count);
        Assert.All(all.TargetHealthDescriptions, d => Assert.Equal(d.Target.Port.ToString(), d.HealthCheckPort));
    }

    [Fact]
    public async Task HealthCheck_WhenTargetAnswersWrongCode_ShouldTurnUnhealthyThenRecoverAfterThreshold()
    {
        var a = await HealthyTargetAsync();

        await SetHealthAsync(a, 503);
        var unhealthy = await HealthBecomesAsync(a, "unhealthy");
        await SetHealthAsync(a, 200);
        var recovered = await HealthBecomesAsync(a, "healthy");

        Assert.Equal("Target.ResponseCodeMismatch", unhealthy.Reason);
        Assert.Equal("Health checks failed with these codes: [503]", unhealthy.Description);
        Assert.Equal("healthy", recovered.State);
    }

    [Fact]
    public async Task HealthCheck_WhenOneCheckFails_ShouldStayHealthyBelowTheUnhealthyThreshold()
    {
        var a = await HealthyTargetAsync();

        // One failing check (then fixed) is below UnhealthyThresholdCount = 2.
        await SetHealthAsync(a, 500);
        await Task.Delay(250);
        await SetHealthAsync(a, 200);
        var states = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            states.Add(Health(a).State);
            await Task.Delay(50);
        }

        Assert.DoesNotContain("unhealthy", states);
    }

    [Fact]
    public async Task HealthCheck_WhenTargetIsTooSlow_ShouldReportTimeout()
    {
        var a = await LaunchAsync();
        await SetHealthAsync(a, 200, delayMs: 1000);

        Register(a);
        var health = await HealthBecomesAsync(a, "unhealthy");

        Assert.Equal("Target.Timeout", health.Reason);
    }

    [Fact]
    public async Task HealthCheck_WhenInstanceCrashes_ShouldMakeItsTargetUnhealthy()
    {
        var a = await HealthyTargetAsync();

        await Http.GetStringAsync(new Uri($"http://127.0.0.1:{a.Port}/crash"));
        var health = await HealthBecomesAsync(a, "unhealthy");

        Assert.Equal("Target.FailedHealthChecks", health.Reason);
        Assert.Equal("stopped", Fixture.Fleet.Find(a.InstanceId)!.State);
    }

    [Fact]
    public async Task Deregister_WhenTargetIsHealthy_ShouldDrainForTheDelayThenBeUnused()
    {
        var a = await HealthyTargetAsync();
        var watch = System.Diagnostics.Stopwatch.StartNew();

        Groups.DeregisterTargets(new TargetsRequest(_group.TargetGroupArn, [new TargetDescription(a.InstanceId, a.Port)]));
        var draining = Health(a);
        var unused = await HealthBecomesAsync(a, "unused");

        Assert.Equal("draining", draining.State);
        Assert.Equal("Target.DeregistrationInProgress", draining.Reason);
        Assert.Equal("Target.NotRegistered", unused.Reason);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9), $"drained in {watch.Elapsed}");
        Assert.Empty(Groups.DescribeTargetHealth(new DescribeTargetHealthRequest(_group.TargetGroupArn)).TargetHealthDescriptions);
    }

    [Fact]
    public async Task Register_WhenInstanceIsUnknownOrStopped_ShouldRefuseItAsInvalidTarget()
    {
        var a = await LaunchAsync();
        await Fixture.Fleet.TerminateAsync([a.InstanceId], CancellationToken.None);

        var unknown = Assert.Throws<ElasticLoadBalancingException>(() =>
            Groups.RegisterTargets(new TargetsRequest(_group.TargetGroupArn, [new TargetDescription("i-00000000000000000", 1234)])));
        var stopped = Assert.Throws<ElasticLoadBalancingException>(() => Register(a));

        Assert.Equal("ElasticLoadBalancingV2.InvalidTargetException", unknown.ErrorType);
        Assert.Contains("not in a running state (terminated)", stopped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Register_WhenTargetGroupIsUnknown_ShouldThrowTargetGroupNotFound()
    {
        var error = Assert.Throws<ElasticLoadBalancingException>(() =>
            Groups.RegisterTargets(new TargetsRequest("arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/x/1", [new TargetDescription("127.0.0.1", 1)])));

        Assert.Equal("ElasticLoadBalancingV2.TargetGroupNotFoundException", error.ErrorType);
    }

    [Theory]
    [InlineData(1, 2, "HealthyThresholdCount and UnhealthyThresholdCount must be from 2 to 10")]
    [InlineData(2, 2, "must be codes 200-499", "abc")]
    public void CreateTargetGroup_WhenSettingsAreInvalid_ShouldSayWhich(int healthy, int unhealthy, string expected, string matcher = "200")
    {
        var error = Assert.Throws<ElasticLoadBalancingException>(() => Groups.CreateTargetGroup(
            new TargetGroupSettings("bad", 80) { HealthyThresholdCount = healthy, UnhealthyThresholdCount = unhealthy, Matcher = matcher }));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Integration_WhenStateMachineCallsTheAwsSdkResources_ShouldSpeakElbv2Shapes()
    {
        var a = await LaunchAsync();
        var elb = new ElasticLoadBalancingV2Integration(Groups);
        var targets = new JsonArray(new JsonObject { ["Id"] = a.InstanceId, ["Port"] = a.Port });

        var registered = elb.Invoke(
            "arn:aws:states:::aws-sdk:elasticloadbalancingv2:registerTargets",
            new JsonObject { ["TargetGroupArn"] = _group.TargetGroupArn, ["Targets"] = targets.DeepClone() });
        await HealthBecomesAsync(a, "healthy");
        var described = elb.Invoke(
            "arn:aws:states:::aws-sdk:elasticloadbalancingv2:describeTargetHealth",
            new JsonObject { ["TargetGroupArn"] = _group.TargetGroupArn });

        Assert.Equal("{}", registered.ToJsonString());
        var description = described["TargetHealthDescriptions"]![0]!;
        Assert.Equal(a.InstanceId, description["Target"]!["Id"]!.GetValue<string>());
        Assert.Equal(a.Port, description["Target"]!["Port"]!.GetValue<int>());
        Assert.Equal("healthy", description["TargetHealth"]!["State"]!.GetValue<string>());
        Assert.Null(description["TargetHealth"]!["Reason"]);
        var error = Assert.Throws<ElasticLoadBalancingException>(() => elb.Invoke(
            "arn:aws:states:::aws-sdk:elasticloadbalancingv2:registerTargets", new JsonObject { ["TargetGroupArn"] = _group.TargetGroupArn, ["Targetz"] = targets.DeepClone() }));
        Assert.Equal("ElasticLoadBalancingV2.ValidationException", error.ErrorType);
    }

    [Fact]
    public async Task ModifyAttributes_WhenTheDrainDelayChanges_ShouldDrainForTheNewDelayAndKeepCreateIdempotent()
    {
        var elb = new ElasticLoadBalancingV2Integration(Groups, TimeSpan.FromSeconds(300));
        var create = JsonNode.Parse("""{"Name": "orders-v8", "Port": 80, "HealthCheckPath": "/health", "HealthCheckIntervalSeconds": 5, "HealthCheckTimeoutSeconds": 2}""");
        var arn = elb.Invoke("arn:aws:states:::aws-sdk:elasticloadbalancingv2:createTargetGroup", create)["TargetGroups"]![0]!["TargetGroupArn"]!.GetValue<string>();

        var modified = elb.Invoke("arn:aws:states:::aws-sdk:elasticloadbalancingv2:modifyTargetGroupAttributes", JsonNode.Parse(
            $$"""{"TargetGroupArn": "{{arn}}", "Attributes": [{"Key": "deregistration_delay.timeout_seconds", "Value": "1"}]}"""));
        var again = elb.Invoke("arn:aws:states:::aws-sdk:elasticloadbalancingv2:createTargetGroup", create!.DeepClone());
        var unknown = Assert.Throws<ElasticLoadBalancingException>(() => elb.Invoke("arn:aws:states:::aws-sdk:elasticloadbalancingv2:modifyTargetGroupAttributes",
            JsonNode.Parse($$"""{"TargetGroupArn": "{{arn}}", "Attributes": [{"Key": "stickiness.enabled", "Value": "true"}]}""")));
        var negative = Assert.Throws<ElasticLoadBalancingException>(() => elb.Invoke("arn:aws:states:::aws-sdk:elasticloadbalancingv2:modifyTargetGroupAttributes",
            JsonNode.Parse($$"""{"TargetGroupArn": "{{arn}}", "Attributes": [{"Key": "deregistration_delay.timeout_seconds", "Value": "-5"}]}""")));
        var a = await LaunchAsync();
        Groups.RegisterTargets(new TargetsRequest(arn, [new TargetDescription(a.InstanceId, a.Port)]));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Groups.DeregisterTargets(new TargetsRequest(arn, [new TargetDescription(a.InstanceId, a.Port)]));
        while (Groups.DescribeTargetHealth(new DescribeTargetHealthRequest(arn)).TargetHealthDescriptions.Count > 0 && watch.Elapsed < Wait)
        {
            await Task.Delay(50);
        }

        Assert.Equal("1", modified["Attributes"]![0]!["Value"]!.GetValue<string>());
        Assert.Equal(arn, again["TargetGroups"]![0]!["TargetGroupArn"]!.GetValue<string>());
        Assert.Contains("stickiness.enabled", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("0 to 3600", negative.Message, StringComparison.Ordinal);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public void Integration_WhenDeployCreatesDescribesAndDeletesAGroup_ShouldAnswerLikeElbv2()
    {
        var elb = new ElasticLoadBalancingV2Integration(Groups, TimeSpan.FromSeconds(2));
        var create = JsonNode.Parse("""
            {
              "Name": "orders-v7", "Protocol": "HTTP", "Port": 3000, "VpcId": "vpc-local", "TargetType": "ip",
              "HealthCheckProtocol": "HTTP", "HealthCheckPath": "/status", "HealthCheckIntervalSeconds": 5,
              "HealthCheckTimeoutSeconds": 2, "HealthyThresholdCount": 2, "UnhealthyThresholdCount": 2,
              "Matcher": { "HttpCode": "200-299" }
            }
            """);

        var created = elb.Invoke("arn:aws:states:::aws-sdk:elasticloadbalancingv2:createTargetGroup", create);
        var again = elb.Invoke("arn:aws:states:::aws-sdk:elasticloadbalancingv2:createTargetGroup", create!.DeepClone());
        var described = elb.Invoke(
            "arn:aws:states:::aws-sdk:elasticloadbalancingv2:describeTargetGroups", JsonNode.Parse("""{"Names": ["orders-v7"]}"""));
        var arn = created["TargetGroups"]![0]!["TargetGroupArn"]!.GetValue<string>();
        elb.Invoke("arn:aws:states:::aws-sdk:elasticloadbalancingv2:deleteTargetGroup", new JsonObject { ["TargetGroupArn"] = arn });
        var gone = Assert.Throws<ElasticLoadBalancingException>(() => elb.Invoke(
            "arn:aws:states:::aws-sdk:elasticloadbalancingv2:describeTargetGroups", JsonNode.Parse("""{"Names": ["orders-v7"]}""")));

        Assert.StartsWith("arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/orders-v7/", arn, StringComparison.Ordinal);
        Assert.Equal(arn, again["TargetGroups"]![0]!["TargetGroupArn"]!.GetValue<string>());
        Assert.Equal("orders-v7", described["TargetGroups"]![0]!["TargetGroupName"]!.GetValue<string>());
        Assert.Equal("/status", described["TargetGroups"]![0]!["HealthCheckPath"]!.GetValue<string>());
        Assert.Equal("200-299", described["TargetGroups"]![0]!["Matcher"]!["HttpCode"]!.GetValue<string>());
        Assert.Equal("ElasticLoadBalancingV2.TargetGroupNotFoundException", gone.ErrorType);
    }

    [Theory]
    [InlineData("""{"Name": "-bad", "Port": 80}""", "Name: '-bad' must be")]
    [InlineData("""{"Name": "ok", "Port": 80, "Protocol": "HTTPS"}""", "only HTTP is served locally")]
    [InlineData("""{"Name": "ok"}""", "Port: required")]
    [InlineData("""{"Name": "ok", "Port": 80, "Unknown": 1}""", "the parameters do not fit the request")]
    public void Integration_WhenCreateTargetGroupInputIsInvalid_ShouldRaiseValidation(string json, string expected)
    {
        var elb = new ElasticLoadBalancingV2Integration(Groups);

        var error = Assert.Throws<ElasticLoadBalancingException>(() =>
            elb.Invoke("arn:aws:states:::aws-sdk:elasticloadbalancingv2:createTargetGroup", JsonNode.Parse(json)));

        Assert.Equal("ElasticLoadBalancingV2.ValidationException", error.ErrorType);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
