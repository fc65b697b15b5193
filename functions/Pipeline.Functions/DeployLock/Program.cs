using Pipeline.Aws;
using Pipeline.Aws.Registry;
using Pipeline.Functions.DeployLock;
using Pipeline.Lambda;

return await LambdaRuntime.RunAsync(
    () => Task.FromResult<IFunctionHandler<DeployLockInput, DeployLockOutput>>(new DeployLockHandler(
        new Pipeline.Core.Deploy.DeployLock(
            new DynamoDbRegistry(AwsClients.DynamoDb(), AwsClients.Setting("PIPELINE_REGISTRY_TABLE"))))),
    DeployLockJson.Default.DeployLockInput,
    DeployLockJson.Default.DeployLockOutput);
