using Pipeline.Aws.Registry;
using Pipeline.Aws.Scaling;
using Pipeline.Core.Scaling;
using Pipeline.Core.Time;

// On AWS nothing but PIPELINE_REGISTRY_TABLE is set and the SDK resolves region and credentials.
// Locally AWS_ENDPOINT_URL_DYNAMODB and AWS_ENDPOINT_URL_CLOUDWATCH point at the metering proxy, and
// a stack run faster than real time (`pipeline up --time-scale`) passes its clock, so this function,
// the proxy's metered minutes and decrease quota, and the schedule agree on what time it is.
return await LambdaRuntime.RunAsync(RegistrySettings.From, settings =>
    {
        var clock = ScaledTimeProvider.FromSettings(
            Environment.GetEnvironmentVariable(ScaledTimeProvider.OriginVariable), Environment.GetEnvironmentVariable(ScaledTimeProvider.ScaleVariable));
        var registry = AwsClients.Registry(settings.RegistryTable);
        var decisions = new RecordedScalingLog(new JsonLineScalingLog(Console.Out), registry, clock);
        var scaler = new TableScaler(
            new RegistryScaledTables(registry),
            new DynamoDbTableCapacity(registry.DynamoDb),
            new CloudWatchThroughputMetrics(AwsClients.CloudWatch(new HttpClient())),
            new PipelineScalingPolicy(),
            decisions,
            clock);
        return new ScaleTablesHandler(scaler, decisions);
    },
    ScaleTablesJson.Default, TransientErrors.Classify);
