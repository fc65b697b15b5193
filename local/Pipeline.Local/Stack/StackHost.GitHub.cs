using System.Text;
using Pipeline.Local.Aws.Lambda;
using Pipeline.Local.Aws.Processes;
using Pipeline.Local.Aws.SecretsManager;
using Pipeline.Local.Aws.EventBridge;
using Pipeline.Local.Aws.CodeCommit;
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

    private LocalSecrets? _secrets;
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
}
