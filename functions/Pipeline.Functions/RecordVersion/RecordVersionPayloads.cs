using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using Pipeline.Core.Naming;
using Pipeline.Core.Registry;

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
public sealed record RecordVersionOutput : VersionIdentity
{
    /// <summary>For deserializing.</summary>
    public RecordVersionOutput()
    {
    }

    [SetsRequiredMembers]
    public RecordVersionOutput(VersionRecord version)
        : base(version)
    {
        Status = version.Status.ToString();
        RecordedAt = version.RecordedAt;
        ArtifactSha256 = version.ArtifactSha256;
    }

    /// <summary>Recorded, Live, Retired or Failed.</summary>
    public required string Status { get; init; }

    public required DateTimeOffset RecordedAt { get; init; }

    /// <summary>Hex SHA-256 of the artifact as copied: what every instance checks before it starts.</summary>
    public string? ArtifactSha256 { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RecordVersionInput))]
[JsonSerializable(typeof(RecordVersionOutput))]
public sealed partial class RecordVersionJson : JsonSerializerContext;
