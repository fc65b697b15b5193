using Pipeline.Aws;
using Pipeline.Aws.Registry;
using Pipeline.Aws.Tables;
using Pipeline.Core.Tables;
using Pipeline.Functions.ProvisionTables;
using Pipeline.Lambda;

return await LambdaRuntime.RunAsync(
    () =>
    {
        var dynamoDb = AwsClients.DynamoDb();
        var registry = new DynamoDbRegistry(dynamoDb, AwsClients.Setting("PIPELINE_REGISTRY_TABLE"));
        var provisioner = new TableProvisioner(
            new DynamoDbTableAdmin(dynamoDb), registry, AwsClients.Setting("PIPELINE_TABLE_PREFIX"));
        return Task.FromResult<IFunctionHandler<ProvisionTablesInput, ProvisionTablesOutput>>(
            new ProvisionTablesHandler(registry, provisioner));
    },
    ProvisionTablesJson.Default.ProvisionTablesInput,
    ProvisionTablesJson.Default.ProvisionTablesOutput);
