using Pipeline.Core.Versions;

namespace Pipeline.Functions.RecordVersion;

/// <summary>The "tag" step: gives a tested commit its version label and keeps its artifact.</summary>
public sealed class RecordVersionHandler(VersionRecorder recorder) : IFunctionHandler<RecordVersionInput, RecordVersionOutput>
{
    public async Task<RecordVersionOutput> HandleAsync(RecordVersionInput input, InvocationContext context)
    {
        var version = await recorder.RecordAsync(
            new RecordVersionRequest(input.Service, input.ExecutionId, input.Commit, input.ArtifactKey, input.ManifestKey),
            context.CancellationToken);
        return new RecordVersionOutput(version);
    }
}
