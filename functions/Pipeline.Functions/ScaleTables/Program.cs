using Amazon.DynamoDBv2;
using Pipeline.Aws;
using Pipeline.Aws.CloudWatch;
using Pipeline.Aws.Registry;
using Pipeline.Aws.Scaling;
using Pipeline.Core.Scaling;
using Pipeline.Core.Time;
using Pipeline.Functions.ScaleTables;
using Pipeline.Lambda;

// On AWS nothing but PIPELINE_REGISTRY_TABLE is set and the SDK resolves region and credentials.
// Locally AWS_ENDPOINT_URL_DYNAMODB and AWS_ENDPOINT_URL_CLOUDWATCH point at the metering proxy, and
// a stack run faster than real time (`pipeline up --time-scale`) passes its clock, so this function,
// the proxy's metered minutes and decrease quota, and the schedule agree on what time it is.
return await LambdaRuntime.RunAsync(
    () =>
    {
        var region = Setting("AWS_REGION") ?? "us-east-1";
        var dynamoConfig = new AmazonDynamoDBConfig();
        if (Setting("AWS_ENDPOINT_URL_DYNAMODB") is { } dynamoEndpoint)
        {
            dynamoConfig.ServiceURL = dynamoEndpoint;
            dynamoConfig.AuthenticationRegion = region;
        }

        var dynamo = new AmazonDynamoDBClient(dynamoConfig);
        var registryTable = Setting("PIPELINE_REGISTRY_TABLE")
            ?? throw new InvalidOperationException("The environment variable PIPELINE_REGISTRY_TABLE is not set.");
        var cloudWatchEndpoint = Setting(AwsClients.CloudWatchEndpointVariable) is { } cw ? new Uri(cw) : null;
        var clock = ScaledTimeProvider.FromSettings(Setting(ScaledTimeProvider.OriginVariable), Setting(ScaledTimeProvider.ScaleVariable));
        var scaler = new TableScaler(
            new RegistryScaledTables(new DynamoDbRegistry(dynamo, registryTable)),
            new DynamoDbTableCapacity(dynamo),
            new CloudWatchThroughputMetrics(CloudWatchClient.Create(new HttpClient(), region, cloudWatchEndpoint)),
            new PipelineScalingPolicy(),
            new JsonLineScalingLog(Console.Out),
            clock);
        return Task.FromResult<IFunctionHandler<System.Text.Json.JsonElement, ScaleTablesOutput>>(new ScaleTablesHandler(scaler));
    },
    ScaleTablesJson.Default.JsonElement,
    ScaleTablesJson.Default.ScaleTablesOutput);

static string? Setting(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
