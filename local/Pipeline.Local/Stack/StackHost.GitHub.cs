using System.Threading.Channels;
using Pipeline.Local.Aws.CloudFormation;

namespace Pipeline.Local.Stack;

/// <summary>
/// The GitHub path of the local stack: the Secrets Manager stand-in, the functions' URLs (the webhook
/// receiver's is <c>endpoints.webhook</c>), and pushes of GitHub-hosted repositories delivered as signed
/// GitHub webhooks to that URL rather than as CodeCommit events.
/// </summary>
internal sealed partial class StackHost
{
    /// <summary>The template's webhook receiver, whose URL `status` lists as <c>webhook</c>.</summary>
    public const string WebhookFunction = "GitHubWebhookFunction";

    /// <summary>The template's webhook secret, which `pipeline webhook-secret` prints.</summary>
    public const string WebhookSecret = "GitHubWebhookSecret";

    /// <summary>The template's token secret for commit statuses; the GitHub stand-in accepts only its value.</summary>
    public const string StatusTokenSecret = "GitHubStatusTokenSecret";

    private LocalSecrets? _secrets;
    private LocalGitHubApi? _gitHubApi;
    private GitHubWebhooks? _gitHub;

    private LocalSecrets Secrets => _secrets ??= new LocalSecrets(_layout.Root, Template!.Secrets);

    private string SecretsManagerEndpoint => $"http://127.0.0.1:{_controlPort}{SecretsManagerApi.Path}";

    /// <summary>Serves every function that has a FunctionUrlConfig on its own port, as a function URL.</summary>
    private async Task StartFunctionUrlsAsync(CancellationToken cancellationToken)
    {
        foreach (var function in Template!.Functions.Where(f => f.FunctionUrlAuthType is not null))
        {
            var url = await LocalFunctionUrl.StartAsync(Lambda!, function.Name, FreePort.Next(), cancellationToken);
            _disposables.Add(url);
            Endpoints[function.LogicalId == WebhookFunction ? "webhook" : $"url-{function.Name}"] = url.Url.ToString();
            if (function.LogicalId == WebhookFunction && Template.Secrets.FirstOrDefault(s => s.LogicalId == WebhookSecret) is { } secret)
            {
                // Generated now, so `pipeline webhook-secret` can print it before the first delivery.
                _ = Secrets.Value(secret);
                _gitHub = new GitHubWebhooks(new HttpClient { Timeout = TimeSpan.FromSeconds(30) }, url.Url,
                    () => Encoding.UTF8.GetBytes(Secrets.Value(secret)), LocalParameters.LocalGitHubOwner);
            }
        }
    }

    /// <summary>A push to a GitHub-hosted repository goes to the webhook; any other push to the bus as CodeCommit's event.</summary>
    private Func<ReferenceChange, CancellationToken, Task> Pushes(Func<ReferenceChange, CancellationToken, Task> codeCommit) =>
        async (change, cancellationToken) =>
        {
            if (!Git!.IsGitHubHosted(change.RepositoryName))
            {
                await codeCommit(change, cancellationToken);
                return;
            }

            if (_gitHub is null)
            {
                throw new StackFailureException($"{change.RepositoryName} is GitHub-hosted but the template has no {WebhookFunction} with a URL and {WebhookSecret}");
            }

            var (status, body) = await _gitHub.DeliverAsync(change, cancellationToken);
            Step($"GitHub webhook for {change.RepositoryName} {change.ReferenceFullName}: {status} {body}");
            if (status >= 500)
            {
                throw new StackFailureException($"the webhook answered {status}: {body}");
            }
        };

    /// <summary>
    /// The GitHub API stand-in (commit statuses, under <see cref="LocalGitHubApi.Path"/>) and the execution
    /// pages its statuses link, both on the control endpoint. A repository exists on "GitHub" when the git
    /// host has it marked GitHub-hosted.
    /// </summary>
    private void MapGitHubStandIn(WebApplication control)
    {
        var token = Template!.Secrets.FirstOrDefault(s => s.LogicalId == StatusTokenSecret);
        _gitHubApi = new LocalGitHubApi(_layout.Root, LocalParameters.LocalGitHubOwner,
            () => token is null ? null : Secrets.Value(token),
            name => Git!.Repositories.Contains(name, StringComparer.Ordinal) && Git.IsGitHubHosted(name));
        _gitHubApi.Map(control);
        control.MapExecutionPages(StepFunctions!);
    }

    /// <summary>
    /// Every status change of a local execution goes to the default bus as Step Functions' "Execution Status
    /// Change" event, in the order they happened, off the execution's thread (delivery is best effort on AWS too).
    /// </summary>
    private void PublishExecutionStatusChanges(LocalEventBus bus)
    {
        var changes = Channel.CreateUnbounded<BusEvent>(new UnboundedChannelOptions { SingleReader = true });
        StepFunctions!.StatusChanged += e => changes.Writer.TryWrite(ExecutionStatusEvents.For(e));
        _loops.Add(Task.Run(async () =>
        {
            await foreach (var change in changes.Reader.ReadAllAsync(_stopping.Token))
            {
                foreach (var failed in (await bus.PutEventAsync(change, _stopping.Token)).Where(d => !d.Succeeded))
                {
                    Step($"execution status event for rule {failed.RuleName} failed: {failed.Error}");
                }
            }
        }, _stopping.Token));
    }

    /// <summary>The last commit statuses the GitHub stand-in recorded, newest first.</summary>
    private JsonArray CommitStatuses(int count) => [.. (_gitHubApi?.Recent(count) ?? []).Select(s => (JsonNode)s)];
}
