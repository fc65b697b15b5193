using Pipeline.Aws.StepFunctions;

// AWS_ENDPOINT_URL_SFN points DescribeExecution at the local stack's Step Functions API; on AWS it
// is unset and the client signs for https://states.<region>.amazonaws.com.
return await LambdaRuntime.RunAsync(RegistrySettings.From, settings => new DeployLockHandler(new Pipeline.Core.Deploy.DeployLock(
        AwsClients.Registry(settings.RegistryTable), new StepFunctionsExecutionStatuses(AwsClients.StepFunctions()))),
    DeployLockJson.Default, TransientErrors.Classify);
