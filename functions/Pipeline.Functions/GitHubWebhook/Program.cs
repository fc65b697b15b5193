using Pipeline.Aws;
using Pipeline.Aws.SecretsManager;
using Pipeline.Aws.StepFunctions;
using Pipeline.Core.Configuration;
using Pipeline.Core.Webhooks;
using Pipeline.Functions.GitHubWebhook;

// AWS_ENDPOINT_URL_SECRETS_MANAGER and AWS_ENDPOINT_URL_SFN point the two small clients at the local
// stand-ins; on AWS they are unset and the clients sign for the regional endpoints.
return await LambdaRuntime.RunAsync(
    () =>
    {
        var settings = WebhookFunctionSettings.From(new SettingsReader(Environment.GetEnvironmentVariable));
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return Task.FromResult<IFunctionHandler<FunctionUrlRequest, FunctionUrlResponse>>(new GitHubWebhookHandler(
            new GitHubWebhookReceiver(
                // An empty owner (the template's default) is valid: every push is then refused with 403.
                new WebhookSettings(settings.GitHubOwner, settings.DeployBranch),
                new SecretsManagerWebhookSecret(AwsClients.SecretsManager(http), settings.WebhookSecretArn),
                new StepFunctionsExecutionStarter(AwsClients.StepFunctions(http), settings.DeployStateMachineArn))));
    },
    FunctionUrlJson.Default.FunctionUrlRequest,
    FunctionUrlJson.Default.FunctionUrlResponse,
    classifyErrors: TransientErrors.Classify);
