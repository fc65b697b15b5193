using Pipeline.Core.Deploy;

return await LambdaRuntime.RunAsync(
    StackSettings.From,
    settings => new ResolveVersionHandler(new VersionResolver(AwsClients.Registry(settings.RegistryTable), settings.StackName)),
    ResolveVersionJson.Default, TransientErrors.Classify);
