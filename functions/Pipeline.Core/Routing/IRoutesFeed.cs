namespace Pipeline.Core.Routing;

/// <summary>The pointer as returned by a conditional GET: unchanged, or the pointer (null if none yet) and its ETag.</summary>
public sealed record PointerPoll(bool Changed, RoutesPointer? Current, string? ETag);

/// <summary>What a router reads and writes in the routes bucket.</summary>
public interface IRoutesFeed
{
    /// <summary>Fetches the pointer unless its ETag still equals <paramref name="etag"/>.</summary>
    Task<PointerPoll> PollPointerAsync(string? etag, CancellationToken cancellationToken);

    /// <summary>The config object's bytes.</summary>
    /// <exception cref="InvalidDataException">The object is larger than <paramref name="maxBytes"/>; nothing beyond it was read.</exception>
    Task<byte[]> GetConfigAsync(string key, long maxBytes, CancellationToken cancellationToken);

    Task PutStatusAsync(RouterStatus status, CancellationToken cancellationToken);
}
