using Pipeline.Aws;
using Pipeline.Aws.GitHub;
using Pipeline.Aws.StepFunctions;
using Pipeline.Core.CommitStatuses;
using Pipeline.Core.Configuration;
using Pipeline.Functions.ReportCommitStatus;

// Locally PIPELINE_GITHUB_API_URL points at the stack's GitHub stand-in and PIPELINE_EXECUTION_LINK_PREFIX
// at its execution pages; on AWS both are unset: api.github.com and the Step Functions console.
return await LambdaRuntime.RunAsync(
    () =>
    {
        var settings = CommitStatusFunctionSettings.From(new SettingsReader(Environment.GetEnvironmentVariable));
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return Task.FromResult<IFunctionHandler<Pipeline.Core.Triggers.EventEnvelope<ExecutionStatusChange>, CommitStatusReport>>(
            new ReportCommitStatusHandler(new CommitStatusReporter(
                new CommitStatusSettings(settings.GitHubOwner, settings.StackName, settings.DeployStateMachineArn, settings.ExecutionLinkPrefix),
                new GitHubCommitStatuses(http, settings.GitHubApiUrl, AwsClients.SecretsManager(http), settings.TokenSecretArn),
                new StepFunctionsExecutionStatuses(AwsClients.StepFunctions(http)))));
    },
    CommitStatusJson.Default.EventEnvelopeExecutionStatusChange,
    CommitStatusJson.Default.CommitStatusReport,
    classifyErrors: TransientErrors.Classify);
