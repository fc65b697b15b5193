using Pipeline.Aws.Routing;

return await LambdaRuntime.RunAsync(
    RoutesSettings.From,
    settings => new PublishRoutesHandler(RegistryRoutesPublisherFromEnvironment.Create(AwsClients.Registry(settings.RegistryTable), settings)),
    PublishRoutesJson.Default, TransientErrors.Classify);
