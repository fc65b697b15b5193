using System.Collections.Concurrent;
using System.Security.Cryptography;
using Pipeline.Core.Versions;

namespace Pipeline.Core.Tests.Fakes;

internal sealed class InMemoryArtifactStore : IArtifactStore
{
    public ConcurrentDictionary<string, byte[]> Objects { get; } = new(StringComparer.Ordinal);

    public void Put(string key, string content) => Objects[key] = Encoding.UTF8.GetBytes(content);

    public Task<string?> ReadTextAsync(string key, CancellationToken cancel = default) =>
        Task.FromResult(Objects.TryGetValue(key, out var bytes) ? Encoding.UTF8.GetString(bytes) : null);

    public Task<StoredObject?> HeadAsync(string key, CancellationToken cancel = default) =>
        Task.FromResult(Objects.TryGetValue(key, out var bytes)
            ? new StoredObject(key, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)))
            : null);

    public int Copies { get; private set; }

    public Task<CopiedObject> CopyAsync(string sourceKey, string targetKey, CancellationToken cancel = default)
    {
        var bytes = Objects[targetKey] = Objects[sourceKey];
        Copies++;
        return Task.FromResult(new CopiedObject(targetKey, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)), null));
    }

    public Task PutTextAsync(string key, string content, CancellationToken cancel = default)
    {
        Put(key, content);
        return Task.CompletedTask;
    }
}
