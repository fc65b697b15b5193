using Pipeline.Local.Aws.Tests.ELBv2;

namespace Pipeline.Local.Aws.Tests.Integration;

/// <summary>
/// The local stand-ins chained as the deploy state machine chains them, over real git, s3rver
/// and node: a push becomes the rule's event, the build uploads artifact.tgz and service.yaml where
/// the machine's artifacts override says, the fleet starts instances from that tar by the
/// manifest's start command, and the target group finds them healthy.
/// </summary>
[Collection(EmulatorFixture.Collection)]
public sealed class PushToHealthyTargetsTests(EmulatorFixture emulators) : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly StackContext _stack = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Push_WhenBuildPasses_ShouldServeTheNewVersionFromHealthyTargets()
    {
        var bucket = await emulators.CreateBucketAsync("artifacts");
        var store = new S3ArtifactBucket(emulators.S3);
        var host = new LocalGitHost(_temp.Combine("state"));
        var work = await WorkingCopy.CloneAsync(await host.CreateRepositoryAsync("orders"), _temp.Combine("work"));
        var commit = await work.CommitAsync("service", new Dictionary<string, string>
        {
            ["server.js"] = await File.ReadAllTextAsync(Fixture.Path("service", "server.js")),
            ["service.yaml"] = "name: orders\nhealth: /health\nstart: node server.js\n",
            ["buildspec.yml"] = """
                version: 0.2
                phases:
                  build:
                    commands:
                      - node --check server.js
                      - tar -czf artifact.tgz server.js service.yaml
                artifacts:
                  files: [artifact.tgz, service.yaml]
                  discard-paths: yes
                """,
        });
        await work.GitAsync("push", "--quiet", "origin", "main");

        // The push reaches the template's rule as a CodeCommit event.
        var template = SamTemplate.Load(Fixture.Path("templates", "full.yaml"));
        var started = new ConcurrentQueue<(string Arn, JsonNode? Input)>();
        var bus = new LocalEventBus(_stack, new Recorder(started));
        foreach (var rule in template.Rules.Where(r => !r.IsSchedule))
        {
            bus.PutRule(rule);
        }

        await host.DrainAsync(GitPushes.ToBus(bus, _stack));
        var (arn, evt) = Assert.Single(started);
        Assert.Equal(template.StateMachine("DeployServiceStateMachine").Arn, arn);
        Assert.Equal(commit, evt!["detail"]!["commitId"]!.GetValue<string>());

        // codebuild:startBuild.sync with the commit from the event and the machine's artifacts override.
        var runner = new LocalBuildRunner(
            _temp.Combine("state"), [new BuildProject("pipeline-build", "orders", bucket)], new GitHostBuildSources(host), store, _stack);
        var run = await runner.StartBuildSyncAsync(
            StartBuildRequest.FromJson(new JsonObject
            {
                ["ProjectName"] = "pipeline-build",
                ["SourceVersion"] = evt["detail"]!["commitId"]!.GetValue<string>(),
                ["SourceLocationOverride"] = "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/orders",
                ["ArtifactsOverride"] = new JsonObject
                {
                    ["Type"] = "S3", ["Location"] = bucket, ["Packaging"] = "NONE", ["NamespaceType"] = "NONE",
                    ["Path"] = "builds/orders", ["Name"] = "exec-1",
                },
            }),
            CancellationToken.None);
        Assert.True(run.Succeeded, run.FailureCause());
        var manifest = await emulators.S3.GetObjectAsync(bucket, "builds/orders/exec-1/service.yaml");
        using (var reader = new StreamReader(manifest.ResponseStream))
        {
            Assert.Equal("name: orders\nhealth: /health\nstart: node server.js\n", await reader.ReadToEndAsync());
        }

        // Instances start from the uploaded tar, and the target group finds them healthy.
        await using var fleet = new LocalProcessFleet(_temp.Combine("state"), store, terminationGrace: TimeSpan.FromSeconds(5));
        var instances = await fleet.LaunchAsync(
            new InstanceSpec("orders", "1.0.1-" + commit[..7], bucket, "builds/orders/exec-1/artifact.tgz", Start: "node server.js"),
            2, CancellationToken.None);
        await using var groups = new LocalTargetGroups(new FleetTargetAddresses(fleet), _stack);
        var group = groups.CreateTargetGroup(new TargetGroupSettings("orders", 80)
        {
            HealthCheckPath = "/health",
            HealthCheckInterval = TimeSpan.FromMilliseconds(250),
            HealthCheckTimeout = TimeSpan.FromMilliseconds(200),
        });
        groups.RegisterTargets(new TargetsRequest(group.TargetGroupArn, [.. instances.Select(i => new TargetDescription(i.InstanceId, i.Port))]));

        // ELB health-checks only groups a load balancer uses: attached as the deploy machine does, by a listener rule.
        groups.CreateListener(TargetGroupsOnFleet.Listener);
        groups.CreateRule(new CreateRuleRequest(TargetGroupsOnFleet.Listener, 1,
            [new RuleCondition("http-header", HttpHeaderConfig: new HttpHeaderConditionConfig("X-Pipeline-Target-Group", ["orders"]))],
            [new RuleAction("forward", group.TargetGroupArn)]));

        var health = await Eventually.WaitForAsync(
            () => groups.DescribeTargetHealth(new DescribeTargetHealthRequest(group.TargetGroupArn)).TargetHealthDescriptions,
            d => d.All(t => t.TargetHealth.State == "healthy"),
            TimeSpan.FromSeconds(60));
        Assert.Equal(2, health.Count);
        Assert.All(health, t => Assert.Equal("healthy", t.TargetHealth.State));
        using var http = new HttpClient();
        Assert.StartsWith($"orders 1.0.1-{commit[..7]} i-", await http.GetStringAsync(new Uri($"http://127.0.0.1:{instances[0].Port}/version")), StringComparison.Ordinal);
    }

    private sealed class Recorder(ConcurrentQueue<(string, JsonNode?)> calls) : IEventTargetInvoker
    {
        public Task InvokeAsync(string targetArn, JsonNode? input, CancellationToken cancellationToken)
        {
            calls.Enqueue((targetArn, input));
            return Task.CompletedTask;
        }
    }
}
