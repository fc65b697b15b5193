using Pipeline.Aws.Tables;
using Pipeline.Core.Tables;

return await LambdaRuntime.RunAsync(TableSettings.From, settings =>
    {
        var registry = AwsClients.Registry(settings.RegistryTable);
        return new ProvisionTablesHandler(registry, new TableProvisioner(new DynamoDbTableAdmin(registry.DynamoDb), registry, settings.TablePrefix));
    },
    ProvisionTablesJson.Default, TransientErrors.Classify);
