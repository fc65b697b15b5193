using System.Collections.Concurrent;
using Pipeline.Local.Aws.EventBridge;
using Pipeline.Local.Aws.GitHub;
using Pipeline.Local.Aws.SecretsManager;
using Pipeline.Local.Tests.Support;
using Pipeline.States.Integrations;

namespace Pipeline.Local.Tests;

/// <summary>
/// Commit statuses as the stack reports them: executions of the deploy machine raise Step Functions'
/// "Execution Status Change" events on the local bus, the template's rule hands those of github-* runs
/// to the published ReportCommitStatus function (its template environment, its token from the Secrets
/// Manager stand-in), which posts them to the GitHub stand-in. Only runs a GitHub push started are reported.
/// </summary>
public sealed class CommitStatusTests : IAsyncLifetime
{
    private const string Orders = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";
    private const string Billing = "6113728f27ae82c7b1a177c8d03f9e96e0adf246";
    private readonly ConcurrentBag<Task<IReadOnlyList<EventDelivery>>> _deliveries = [];
    private FunctionOnLocalStack _stack = null!;
    private LocalGitHubApi _gitHub = null!;
    private List<EventRuleDescription> _rules = [];

    public async Task InitializeAsync()
    {
        _stack = await FunctionOnLocalStack.StartAsync(
            "ReportCommitStatusFunction",
            // A GitHub run goes on only once its "pending" is posted: a run that ended first would have
            // its late "pending" rightly dropped, which on a loaded machine made this test flaky.
            """
            {"StartAt":"Started","States":{
              "Started":{"Type":"Choice","Choices":[{"Variable":"$.source","StringEquals":"github.com","Next":"Deploying"}],"Default":"Done"},
              "Deploying":{"Type":"Task","Resource":"arn:aws:states:::test:pending-posted","Comment":"Waits for the run's pending status","Next":"Outcome"},
              "Outcome":{"Type":"Choice","Choices":[{"Variable":"$.detail.repository.name","StringEquals":"billing","Next":"Broken"}],"Default":"Done"},
              "Broken":{"Type":"Fail","Error":"Pipeline.BuildFailed","Cause":"npm test exited 1"},
              "Done":{"Type":"Succeed"}}}
            """,
            (stack, app) =>
            {
                var token = new SecretDescription(StackHost.StatusTokenSecret, StackHost.StatusTokenSecret, stack.Setting("PIPELINE_GITHUB_TOKEN_SECRET_ARN"));
                var secrets = new LocalSecrets(stack.State, [token]);
                _gitHub = new LocalGitHubApi(stack.State, "pipeline-local", () => secrets.Value(token), name => name is "orders" or "billing");
                app.MapSecretsManagerApi(secrets);
                app.MapExecutionPages(stack.StepFunctions);
                _gitHub.Map(app);
            },
            control => new Dictionary<string, string>
            {
                ["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = control + SecretsManagerApi.Path,
                ["PIPELINE_GITHUB_API_URL"] = control + LocalGitHubApi.Path + "/",
                ["PIPELINE_EXECUTION_LINK_PREFIX"] = control + ExecutionPages.Path + "/",
            },
            new TaskIntegrationRegistry().Register("arn:aws:states:::test:pending-posted", new PendingPosted(() => _gitHub)));

        // Warm, so every "pending" is handled while its run still waits (a late one is rightly dropped).
        await _stack.Lambda.WarmAsync(_stack.Function.Name);
        // The pseudo parameters the function's definition was resolved with, so the rule names the same machine.
        var arn = _stack.MachineArn.Split(':');
        var template = SamTemplate.Load(Path.Combine(FunctionBinaries.RepositoryRoot, "template.yaml"),
            new TemplateOptions { Stack = new StackContext(Region: arn[3], AccountId: arn[4]) });
        var bus = new LocalEventBus(template.Stack, new LambdaTargets(_stack.Lambda));
        _rules = [.. template.Rules.Where(r => r.LogicalId.StartsWith("ReportCommitStatusFunction", StringComparison.Ordinal))];
        foreach (var rule in _rules)
        {
            bus.PutRule(rule);
        }

        _stack.StepFunctions.StatusChanged += e => _deliveries.Add(bus.PutEventAsync(ExecutionStatusEvents.For(e)));
    }

    public async Task DisposeAsync()
    {
        await _stack.DisposeAsync();
    }

    private static string GitHubInput(string service, string commit) => $$"""
        {"id":"72d3162e-cc78-11e3-81ab-4c9367dc0958","source":"github.com","detail-type":"push",
         "detail":{"ref":"refs/heads/main","after":"{{commit}}","deleted":false,
                   "repository":{"name":"{{service}}","clone_url":"https://github.com/pipeline-local/{{service}}.git"} } }
        """;

    [Fact]
    public async Task GitHubRuns_WhenTheyStartAndEnd_ShouldBeReportedPendingThenTheirOutcomeWithTheRunsLink()
    {
        var ok = _stack.StepFunctions.StartExecution(_stack.MachineArn, "github-orders-000000000000-0d1a26e67d8f", GitHubInput("orders", Orders));
        var broken = _stack.StepFunctions.StartExecution(_stack.MachineArn, "github-billing-000000000000-6113728f27ae", GitHubInput("billing", Billing));
        var codeCommit = _stack.StepFunctions.StartExecution(_stack.MachineArn, "codecommit-orders-1", """{"source":"aws.codecommit","detail":{}}""");
        var manualNamedLikeGitHub = _stack.StepFunctions.StartExecution(_stack.MachineArn, "github-by-hand", "{\"service\":\"orders\",\"commit\":\"" + Orders + "\"}");
        await Task.WhenAll(ok.Finished, broken.Finished, codeCommit.Finished, manualNamedLikeGitHub.Finished);
        await WaitForDeliveriesAsync();

        var statuses = _gitHub.Recent(20).AsEnumerable().Reverse().ToList();
        var delivered = (await Task.WhenAll(_deliveries)).SelectMany(d => d).ToList();
        Assert.True(delivered.Count == 6, $"{delivered.Count} deliveries to {_stack.MachineArn}: {string.Join("; ", _rules.Select(r => r.EventPattern?.ToJsonString()))}");
        Assert.Equal(["pending", "success"], States(statuses, "orders", Orders));
        Assert.Equal(["pending", "failure"], States(statuses, "billing", Billing));
        Assert.Equal(4, statuses.Count);
        var failure = statuses.Single(s => s["state"]!.ToString() == "failure");
        Assert.Contains("Pipeline.BuildFailed: npm test exited 1", failure["description"]!.ToString(), StringComparison.Ordinal);
        Assert.All(statuses, s => Assert.Equal("deploy/pipeline", s["context"]!.ToString()));

        // The link opens the run: the local stand-in of its console page.
        var success = statuses.Single(s => s["state"]!.ToString() == "success");
        var page = JsonNode.Parse(await _stack.Http.GetStringAsync(success["target_url"]!.ToString()))!;
        Assert.Equal(ok.ExecutionArn, page["executionArn"]!.ToString());
        Assert.Equal("Succeeded", page["status"]!.ToString());
    }

    private static List<string> States(List<JsonObject> statuses, string repository, string sha) =>
        [.. statuses.Where(s => s["repository"]!.ToString() == "pipeline-local/" + repository && s["sha"]!.ToString() == sha).Select(s => s["state"]!.ToString())];

    private async Task WaitForDeliveriesAsync()
    {
        // Four executions, two status changes each: every event has been matched and its invocation returned.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (_deliveries.Count < 8 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        foreach (var delivery in await Task.WhenAll(_deliveries))
        {
            Assert.All(delivery, d => Assert.True(d.Succeeded, d.Error));
        }
    }

    /// <summary>A Task that returns once the GitHub stand-in holds the run's "pending" status (at most a minute).</summary>
    private sealed class PendingPosted(Func<LocalGitHubApi> gitHub) : ITaskIntegration
    {
        public async Task<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken)
        {
            var repository = "pipeline-local/" + invocation.Input!["detail"]!["repository"]!["name"]!.ToString();
            var sha = invocation.Input!["detail"]!["after"]!.ToString();
            var deadline = DateTime.UtcNow.AddMinutes(1);
            while (!gitHub().Recent(50).Any(s => s["repository"]!.ToString() == repository && s["sha"]!.ToString() == sha && s["state"]!.ToString() == "pending"))
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"no pending status for {repository}@{sha} within a minute");
                }

                await Task.Delay(50, cancellationToken);
            }

            return invocation.Input;
        }
    }

    /// <summary>Invokes the function and waits for it, so the test knows when every status is posted.</summary>
    private sealed class LambdaTargets(LocalLambdaService lambda) : IEventTargetInvoker
    {
        public async Task InvokeAsync(string targetArn, JsonNode? input, CancellationToken cancellationToken)
        {
            var result = await lambda.InvokeAsync(targetArn, System.Text.Encoding.UTF8.GetBytes(input?.ToJsonString() ?? "{}"), cancellationToken);
            if (result.IsError)
            {
                throw new InvalidOperationException(System.Text.Encoding.UTF8.GetString(result.Payload));
            }
        }
    }
}
