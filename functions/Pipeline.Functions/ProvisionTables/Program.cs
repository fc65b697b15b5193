using Pipeline.Aws;
using Pipeline.Aws.Registry;
using Pipeline.Aws.Tables;
using Pipeline.Core.Configuration;
using Pipeline.Core.Tables;
using Pipeline.Functions.ProvisionTables;

return await LambdaRuntime.RunAsync(
    TableSettings.From,
    settings =>
    {
        var dynamoDb = AwsClients.DynamoDb();
        var registry = new DynamoDbRegistry(dynamoDb, settings.RegistryTable);
        var provisioner = new TableProvisioner(new DynamoDbTableAdmin(dynamoDb), registry, settings.TablePrefix);
        return new ProvisionTablesHandler(registry, provisioner);
    },
    ProvisionTablesJson.Default.ProvisionTablesInput,
    ProvisionTablesJson.Default.ProvisionTablesOutput,
    classifyErrors: TransientErrors.Classify);
