using System.Text.Json.Serialization;

namespace Pipeline.Core.Registry;

/// <summary>
/// Which version of which service, and where its files are: what the registry's <see cref="VersionRecord"/>,
/// the deploy's <see cref="Deploy.ResolvedVersion"/> and the tag step's output all carry. They derive from
/// it and copy it whole (<c>new ResolvedVersion(version)</c>) rather than field by field. The payloads
/// write these fields first, as every consumer of them has always read them.
/// </summary>
/// <param name="Count">The service counter value this version was given; labels are rendered from it.</param>
/// <param name="ArtifactKey">The immutable S3 key of the artifact: <c>artifacts/&lt;service&gt;/&lt;label&gt;/...</c>.</param>
/// <param name="ManifestKey">The immutable S3 key of the version's service.yaml.</param>
/// <param name="ManifestHash">SHA-256 (hex) of that service.yaml.</param>
public record VersionIdentity(
    [property: JsonPropertyOrder(-1)] string Service,
    [property: JsonPropertyOrder(-1)] string Label,
    [property: JsonPropertyOrder(-1)] long Count,
    [property: JsonPropertyOrder(-1)] string Commit,
    [property: JsonPropertyOrder(-1)] string ArtifactKey,
    [property: JsonPropertyOrder(-1)] string ManifestKey,
    [property: JsonPropertyOrder(-1)] string ManifestHash)
{
    /// <summary>For deserializing a derived payload: System.Text.Json sets every property after construction.</summary>
    protected VersionIdentity()
        : this(string.Empty, string.Empty, 0, string.Empty, string.Empty, string.Empty, string.Empty)
    {
    }
}
