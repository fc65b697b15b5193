using Pipeline.Aws;
using Pipeline.Aws.Artifacts;
using Pipeline.Aws.Registry;
using Pipeline.Core.Versions;
using Pipeline.Functions.RecordVersion;
using Pipeline.Lambda;

return await LambdaRuntime.RunAsync(
    () =>
    {
        var recorder = new VersionRecorder(
            new DynamoDbRegistry(AwsClients.DynamoDb(), AwsClients.Setting("PIPELINE_REGISTRY_TABLE")),
            new S3ArtifactStore(AwsClients.S3(), AwsClients.Setting("PIPELINE_ARTIFACT_BUCKET")),
            AwsClients.Setting("PIPELINE_TABLE_PREFIX"),
            TimeProvider.System);
        return Task.FromResult<IFunctionHandler<RecordVersionInput, RecordVersionOutput>>(new RecordVersionHandler(recorder));
    },
    RecordVersionJson.Default.RecordVersionInput,
    RecordVersionJson.Default.RecordVersionOutput);
