namespace Pipeline.Core.Versions;

/// <summary>
/// The bucket where builds leave artifacts and recorded versions keep them. Objects are treated
/// as immutable blobs: S3 emulators ignore conditional PUTs, so exclusivity comes from the
/// registry, and this port only ever copies to a key that is checked first.
/// </summary>
public interface IArtifactStore
{
    /// <summary>The object's text, or null when there is no such key.</summary>
    Task<string?> ReadTextAsync(string key, CancellationToken cancel = default);

    /// <summary>Size and entity tag of an object, or null when there is no such key.</summary>
    Task<StoredObject?> HeadAsync(string key, CancellationToken cancel = default);

    /// <summary>
    /// Copies within the bucket without holding the object in memory, and answers what was written:
    /// its size, hex SHA-256 and version id (where the bucket keeps versions).
    /// </summary>
    Task<CopiedObject> CopyAsync(string sourceKey, string targetKey, CancellationToken cancel = default);

    Task PutTextAsync(string key, string content, CancellationToken cancel = default);
}

/// <param name="ETag">The entity tag without quotes; equal for equal single-part content.</param>
public sealed record StoredObject(string Key, long Size, string ETag);

/// <param name="Sha256">Hex SHA-256 of the bytes written.</param>
/// <param name="VersionId">The S3 version id of the copy; null where the bucket keeps no versions.</param>
public sealed record CopiedObject(string Key, long Size, string Sha256, string? VersionId);
