using Pipeline.Aws;
using Pipeline.Aws.Fleet;
using Pipeline.Aws.Registry;
using Pipeline.Core.Fleet;
using Pipeline.Core.Configuration;
using Pipeline.Functions.LaunchInstances;

return await LambdaRuntime.RunAsync(
    () =>
    {
        var reader = new SettingsReader(Environment.GetEnvironmentVariable);
        var settings = TableSettings.From(reader);
        var issuer = AuthIssuerSettings.From(reader);
        return Task.FromResult<IFunctionHandler<LaunchInstancesInput, LaunchInstancesOutput>>(new LaunchInstancesHandler(
            new InstanceLauncher(new DynamoDbRegistry(AwsClients.DynamoDb(), settings.RegistryTable), FleetFromEnvironment.ForLaunch(), settings.TablePrefix, issuer)));
    },
    LaunchInstancesJson.Default.LaunchInstancesInput,
    LaunchInstancesJson.Default.LaunchInstancesOutput,
    classifyErrors: TransientErrors.Classify);
