using Pipeline.Aws;
using Pipeline.Aws.Registry;
using Pipeline.Aws.StepFunctions;
using Pipeline.Core.Configuration;
using Pipeline.Functions.DeployLock;

// AWS_ENDPOINT_URL_SFN points DescribeExecution at the local stack's Step Functions API; on AWS it
// is unset and the client signs for https://states.<region>.amazonaws.com.
return await LambdaRuntime.RunAsync(
    () => Task.FromResult<IFunctionHandler<DeployLockInput, DeployLockOutput>>(new DeployLockHandler(
        new Pipeline.Core.Deploy.DeployLock(
            new DynamoDbRegistry(AwsClients.DynamoDb(), RegistrySettings.From(new SettingsReader(Environment.GetEnvironmentVariable)).RegistryTable),
            new StepFunctionsExecutionStatuses(AwsClients.StepFunctions(new HttpClient { Timeout = TimeSpan.FromSeconds(10) }))))),
    DeployLockJson.Default.DeployLockInput,
    DeployLockJson.Default.DeployLockOutput,
    classifyErrors: TransientErrors.Classify);
