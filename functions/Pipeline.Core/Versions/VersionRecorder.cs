using System.Security.Cryptography;
using Pipeline.Core.Manifest;

namespace Pipeline.Core.Versions;

/// <summary>What the build stage hands to the tag step.</summary>
/// <param name="ArtifactKey">Where the build left the artifact in the artifact bucket.</param>
/// <param name="ManifestKey">Where the build left the commit's service.yaml.</param>
public sealed record RecordVersionRequest(
    string Service, string ExecutionId, string Commit, string ArtifactKey, string ManifestKey);

/// <summary>
/// The tag step: validates the commit's manifest, gives it the next label and keeps its artifact
/// under an immutable key. Everything that can reject the input runs before anything is written,
/// so bad input leaves the registry and the bucket as they were.
/// </summary>
public sealed class VersionRecorder(IRegistry registry, IArtifactStore store, string tablePrefix, TimeProvider time)
{
    public async Task<VersionRecord> RecordAsync(RecordVersionRequest request, CancellationToken cancel = default)
    {
        // A re-run of an execution that already recorded its version returns it, allocating nothing.
        if (await registry.FindVersionByExecutionAsync(request.Service, request.ExecutionId, cancel) is { } done)
        {
            return done;
        }

        var yaml = await store.ReadTextAsync(request.ManifestKey, cancel)
            ?? throw new ArtifactNotFoundException($"The build left no service.yaml at {request.ManifestKey}.");
        var manifest = ManifestParser.Parse(yaml, request.ManifestKey, request.Service);
        // A composite service's version is its manifest: there is nothing else to build or run.
        var artifact = manifest.IsComposite ? null : await store.HeadAsync(request.ArtifactKey, cancel)
            ?? throw new ArtifactNotFoundException($"The build left no artifact at {request.ArtifactKey}.");
        // Read-only: refuses routes another live service claims, early. Claims themselves are
        // written by PublishRoutes under the routes lease, when a version goes live.
        await OwnershipCheck.EnsureNoConflictsAsync(manifest, tablePrefix, registry, cancel);

        var allocation = await registry.AllocateCountAsync(request.Service, request.ExecutionId, cancel);
        var label = manifest.Label.Render(allocation.Count, request.Commit);
        var folder = $"artifacts/{request.Service}/{label}/";
        var manifestKey = folder + ManifestParser.FileName;
        var artifactKey = artifact is null ? manifestKey : folder + FileName(request.ArtifactKey);
        var copy = artifact is null
            ? new ArtifactCopy(artifactKey, request.ExecutionId, Hash(yaml))
            : await CopyOnceAsync(artifact, artifactKey, request.ExecutionId, cancel);
        await PutOnceAsync(manifestKey, yaml, cancel);

        var now = time.GetUtcNow();
        var identity = new VersionIdentity(request.Service, label, allocation.Count, request.Commit.ToLowerInvariant(),
            artifactKey, manifestKey, Hash(yaml));
        var version = VersionRecord.Recorded(identity, yaml, request.ExecutionId, now, copy.Sha256, copy.VersionId);
        var stored = await registry.RecordVersionAsync(version, cancel);
        return stored.ExecutionId == request.ExecutionId
            ? stored
            : throw new RegistryConflictException(
                $"Count {allocation.Count} of {request.Service} was recorded by execution {stored.ExecutionId}.");
    }

    /// <summary>Hex SHA-256 of the manifest text, the version's manifest identity.</summary>
    public static string Hash(string yaml) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(yaml)));

    /// <summary>
    /// The registry, not the bucket, decides who writes a version's artifact key: the claim is a
    /// conditional write (S3 emulators ignore conditional PUTs). A retry of the owning execution
    /// copies again unless its earlier copy completed, whose digest it then reuses.
    /// </summary>
    private async Task<ArtifactCopy> CopyOnceAsync(StoredObject source, string target, string executionId, CancellationToken cancel)
    {
        ArtifactCopy claim;
        try
        {
            claim = await registry.ClaimArtifactCopyAsync(target, executionId, cancel);
        }
        catch (RegistryConflictException e)
        {
            throw new ArtifactConflictException($"{target} was written by another execution; recorded artifacts are never overwritten ({e.Message}).");
        }

        if (claim.Sha256 is not null)
        {
            return claim;
        }

        var copied = await store.CopyAsync(source.Key, target, cancel);
        var done = claim with { Sha256 = copied.Sha256, Size = copied.Size, VersionId = copied.VersionId };
        await registry.CompleteArtifactCopyAsync(done, cancel);
        return done;
    }

    private async Task PutOnceAsync(string key, string content, CancellationToken cancel)
    {
        var existing = await store.ReadTextAsync(key, cancel);
        if (existing is null)
        {
            await store.PutTextAsync(key, content, cancel);
        }
        else if (existing != content)
        {
            throw new ArtifactConflictException(
                $"{key} already holds a different service.yaml; recorded manifests are never overwritten.");
        }
    }

    private static string FileName(string key)
    {
        var name = key[(key.LastIndexOf('/') + 1)..];
        return name.Length == 0 ? "artifact" : name;
    }
}
