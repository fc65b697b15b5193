using Pipeline.Aws.Artifacts;
using Pipeline.Core.Versions;

return await LambdaRuntime.RunAsync(RecordVersionSettings.From, settings => new RecordVersionHandler(new VersionRecorder(
        AwsClients.Registry(settings.RegistryTable), new S3ArtifactStore(AwsClients.S3(), settings.ArtifactBucket), settings.TablePrefix, TimeProvider.System)),
    RecordVersionJson.Default, TransientErrors.Classify);
