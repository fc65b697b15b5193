using Pipeline.Aws.GitHub;
using Pipeline.Aws.StepFunctions;
using Pipeline.Core.CommitStatuses;

// Locally PIPELINE_GITHUB_API_URL points at the stack's GitHub stand-in and PIPELINE_EXECUTION_LINK_PREFIX
// at its execution pages; on AWS both are unset: api.github.com and the Step Functions console.
return await LambdaRuntime.RunAsync(CommitStatusFunctionSettings.From, settings => new ReportCommitStatusHandler(new CommitStatusReporter(
        new CommitStatusSettings(settings.GitHubOwner, settings.StackName, settings.DeployStateMachineArn, settings.ExecutionLinkPrefix),
        new GitHubCommitStatuses(AwsClients.Http, settings.GitHubApiUrl, AwsClients.SecretsManager(), settings.TokenSecretArn),
        new StepFunctionsExecutionStatuses(AwsClients.StepFunctions()))),
    CommitStatusJson.Default, TransientErrors.Classify);
