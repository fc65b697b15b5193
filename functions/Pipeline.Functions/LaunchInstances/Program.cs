using Pipeline.Aws.Fleet;
using Pipeline.Core.Fleet;

return await LambdaRuntime.RunAsync(
    reader => (Tables: TableSettings.From(reader), Issuer: AuthIssuerSettings.From(reader)),
    settings => new LaunchInstancesHandler(new InstanceLauncher(
        AwsClients.Registry(settings.Tables.RegistryTable), FleetFromEnvironment.ForLaunch(), settings.Tables.TablePrefix, settings.Issuer)),
    LaunchInstancesJson.Default, TransientErrors.Classify);
