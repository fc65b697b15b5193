using Pipeline.Aws;
using Pipeline.Aws.Artifacts;
using Pipeline.Aws.Registry;
using Pipeline.Core.Configuration;
using Pipeline.Core.Versions;
using Pipeline.Functions.RecordVersion;

return await LambdaRuntime.RunAsync(
    RecordVersionSettings.From,
    settings =>
    {
        var recorder = new VersionRecorder(
            new DynamoDbRegistry(AwsClients.DynamoDb(), settings.RegistryTable),
            new S3ArtifactStore(AwsClients.S3(), settings.ArtifactBucket),
            settings.TablePrefix,
            TimeProvider.System);
        return new RecordVersionHandler(recorder);
    },
    RecordVersionJson.Default.RecordVersionInput,
    RecordVersionJson.Default.RecordVersionOutput,
    classifyErrors: TransientErrors.Classify);
