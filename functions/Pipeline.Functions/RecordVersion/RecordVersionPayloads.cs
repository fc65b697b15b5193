using System.Text.Json.Serialization;
using Pipeline.Core.Naming;

namespace Pipeline.Functions.RecordVersion;

/// <summary>The tag step's input: which tested commit to record, and where the build left its outputs.</summary>
/// <param name="Service">The service (repository) being built.</param>
/// <param name="ExecutionId">The pipeline execution; re-running it returns the same label.</param>
/// <param name="Commit">The 40-hex commit id that was tested.</param>
/// <param name="ArtifactKey">Key of the build artifact in the artifact bucket.</param>
/// <param name="ManifestKey">Key of the commit's service.yaml in the artifact bucket.</param>
public sealed partial record RecordVersionInput(
    string Service, string ExecutionId, string Commit, string ArtifactKey, string ManifestKey) : IValidatable
{
    public void Validate()
    {
        RequiredFields.Check((Service, "service"), (ExecutionId, "executionId"), (ArtifactKey, "artifactKey"), (ManifestKey, "manifestKey"));
        if (!CommitSha.IsValid(Commit))
        {
            throw new InvalidInputException($"commit: must be a 40-character hexadecimal commit id, not '{Commit}'");
        }
    }

}

/// <summary>The recorded version.</summary>
/// <param name="ArtifactKey">Immutable key <c>artifacts/&lt;service&gt;/&lt;label&gt;/...</c> of the artifact.</param>
/// <param name="Status">Recorded, Live, Retired or Failed.</param>
/// <param name="ArtifactSha256">Hex SHA-256 of the artifact as copied: what every instance checks before it starts.</param>
public sealed record RecordVersionOutput(
    string Service,
    string Label,
    long Count,
    string Commit,
    string ArtifactKey,
    string ManifestKey,
    string ManifestHash,
    string Status,
    DateTimeOffset RecordedAt,
    string? ArtifactSha256 = null);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RecordVersionInput))]
[JsonSerializable(typeof(RecordVersionOutput))]
public sealed partial class RecordVersionJson : JsonSerializerContext;
