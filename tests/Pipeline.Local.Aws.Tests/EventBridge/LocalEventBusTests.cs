namespace Pipeline.Local.Aws.Tests.EventBridge;

public sealed class LocalEventBusTests
{
    private static readonly StackContext Stack = new();
    private static readonly SamTemplate Template = SamTemplate.Load(Fixture.Path("templates", "full.yaml"));

    private readonly RecordingInvoker _invoker = new();

    private LocalEventBus BusWithTemplateRules()
    {
        var bus = new LocalEventBus(Stack, _invoker);
        foreach (var rule in Template.Rules.Where(r => !r.IsSchedule))
        {
            bus.PutRule(rule);
        }

        return bus;
    }

    private static BusEvent Push(string oldCommit, string newCommit, string reference = "refs/heads/main") =>
        CodeCommitEvents.ForReference(new ReferenceChange("orders", oldCommit, newCommit, reference), Stack)!;

    [Fact]
    public async Task PutEvent_WhenCodeCommitPushMatchesTemplateRule_ShouldStartTheStateMachineWithTheEvent()
    {
        var deliveries = await BusWithTemplateRules().PutEventAsync(Push(new string('1', 40), new string('2', 40)));

        var delivery = Assert.Single(deliveries);
        Assert.True(delivery.Succeeded);
        Assert.Equal(Template.StateMachine("DeployServiceStateMachine").Arn, delivery.TargetArn);
        var (arn, input) = Assert.Single(_invoker.Calls);
        Assert.Equal(delivery.TargetArn, arn);
        Assert.Equal("CodeCommit Repository State Change", input!["detail-type"]!.GetValue<string>());
        Assert.Equal("aws.codecommit", input["source"]!.GetValue<string>());
        Assert.Equal(Stack.AccountId, input["account"]!.GetValue<string>());
        Assert.Equal("referenceUpdated", input["detail"]!["event"]!.GetValue<string>());
        Assert.Equal(new string('2', 40), input["detail"]!["commitId"]!.GetValue<string>());
        Assert.Equal(new string('1', 40), input["detail"]!["oldCommitId"]!.GetValue<string>());
        Assert.Equal("arn:aws:codecommit:us-east-1:000000000000:orders", input["resources"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task PutEvent_WhenBranchIsNotTheDeployBranch_ShouldDeliverNothing()
    {
        var deliveries = await BusWithTemplateRules().PutEventAsync(Push(new string('1', 40), new string('2', 40), "refs/heads/feature"));

        Assert.Empty(deliveries);
        Assert.Empty(_invoker.Calls);
    }

    [Fact]
    public async Task PutEvent_WhenBranchIsDeleted_ShouldNotMatchTheDeployRule()
    {
        var deliveries = await BusWithTemplateRules().PutEventAsync(Push(new string('1', 40), new string('0', 40)));

        Assert.Empty(deliveries);
    }

    [Fact]
    public async Task PutEvent_WhenTargetHasInputPath_ShouldDeliverOnlyThatPart()
    {
        var bus = BusWithTemplateRules();

        var deliveries = await bus.PutEventAsync(new BusEvent("github.com", "push", new JsonObject { ["ref"] = "refs/heads/main" }));

        var delivery = Assert.Single(deliveries);
        Assert.Equal("DeployService", delivery.TargetId);
        Assert.Equal("refs/heads/main", _invoker.Calls.Single().Input!["ref"]!.GetValue<string>());
    }

    [Fact]
    public async Task PutEvent_WhenTargetFails_ShouldReportTheErrorAndKeepDelivering()
    {
        _invoker.FailFor = Template.StateMachine("DeployServiceStateMachine").Arn;

        var deliveries = await BusWithTemplateRules().PutEventAsync(Push(new string('1', 40), new string('2', 40)));

        Assert.Contains("boom", Assert.Single(deliveries).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutEvent_WhenRuleIsOnAnotherBus_ShouldNotMatch()
    {
        var bus = new LocalEventBus(Stack, _invoker);
        bus.PutRule(new EventRuleDescription(
            "R", "R", null, new JsonObject { ["source"] = new JsonArray("aws.codecommit") }, "custom", true,
            [new RuleTargetDescription("T", "arn:x", null, null, null)]));

        Assert.Empty(await bus.PutEventAsync(Push(new string('0', 40), new string('2', 40))));
        Assert.Single(await bus.PutEventAsync(Push(new string('0', 40), new string('2', 40)) with { EventBusName = "custom" }));
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000", "2222222222222222222222222222222222222222", "referenceCreated", true, false)]
    [InlineData("1111111111111111111111111111111111111111", "2222222222222222222222222222222222222222", "referenceUpdated", true, true)]
    [InlineData("1111111111111111111111111111111111111111", "0000000000000000000000000000000000000000", "referenceDeleted", false, true)]
    public void ForReference_WhenRefChanges_ShouldShapeTheEventLikeCodeCommit(
        string oldCommit, string newCommit, string expectedEvent, bool hasCommit, bool hasOldCommit)
    {
        var detail = CodeCommitEvents.ForReference(new ReferenceChange("orders", oldCommit, newCommit, "refs/tags/v1"), Stack)!.Detail;

        Assert.Equal(expectedEvent, detail["event"]!.GetValue<string>());
        Assert.Equal("tag", detail["referenceType"]!.GetValue<string>());
        Assert.Equal("v1", detail["referenceName"]!.GetValue<string>());
        Assert.Equal("refs/tags/v1", detail["referenceFullName"]!.GetValue<string>());
        Assert.Equal(hasCommit, detail.ContainsKey("commitId"));
        Assert.Equal(hasOldCommit, detail.ContainsKey("oldCommitId"));
    }

    [Fact]
    public void ForReference_WhenRefIsNeitherBranchNorTag_ShouldGiveNoEvent() =>
        Assert.Null(CodeCommitEvents.ForReference(new ReferenceChange("orders", new string('0', 40), new string('1', 40), "refs/notes/x"), Stack));

    private sealed class RecordingInvoker : IEventTargetInvoker
    {
        public List<(string Arn, JsonNode? Input)> Calls { get; } = [];

        public string? FailFor { get; set; }

        public Task InvokeAsync(string targetArn, JsonNode? input, CancellationToken cancellationToken)
        {
            if (targetArn == FailFor)
            {
                throw new InvalidOperationException("boom");
            }

            Calls.Add((targetArn, input));
            return Task.CompletedTask;
        }
    }
}
