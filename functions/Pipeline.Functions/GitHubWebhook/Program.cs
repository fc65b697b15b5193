using Pipeline.Aws.SecretsManager;
using Pipeline.Aws.StepFunctions;
using Pipeline.Core.Webhooks;

// AWS_ENDPOINT_URL_SECRETS_MANAGER and AWS_ENDPOINT_URL_SFN point the two small clients at the local
// stand-ins; on AWS they are unset and the clients sign for the regional endpoints.
return await LambdaRuntime.RunAsync(WebhookFunctionSettings.From, settings => new GitHubWebhookHandler(new GitHubWebhookReceiver(
        // An empty owner (the template's default) is valid: every push is then refused with 403.
        new WebhookSettings(settings.GitHubOwner, settings.DeployBranch),
        new SecretsManagerWebhookSecret(AwsClients.SecretsManager(), settings.WebhookSecretArn),
        new StepFunctionsExecutionStarter(AwsClients.StepFunctions(), settings.DeployStateMachineArn))),
    FunctionUrlJson.Default, TransientErrors.Classify);
