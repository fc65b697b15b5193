using System.Security.Cryptography;
using System.Text.Json;
using Pipeline.Core.Routing;

namespace Pipeline.RouterAgent;

/// <summary>
/// One poll: read the pointer (a 304 when idle), fetch the config it names, check its SHA-256,
/// validate it with haproxy, swap it in with a rename and make haproxy load it. A config that fails
/// any step is never applied; the running one stays, and the status says why.
/// </summary>
public sealed class RouterAgent(AgentOptions options, IRoutesFeed feed, IHaproxy haproxy, TimeProvider clock, Action<string> log)
{
    private string? _etag;

    public RoutesPointer? Applied { get; private set; } = ReadApplied(options.ConfigPath);

    private string AppliedFile => options.ConfigPath + ".applied.json";

    public Task ReportAsync(CancellationToken cancellationToken) => WriteStatusAsync(null, null, cancellationToken);

    public async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        var poll = await feed.PollPointerAsync(_etag, cancellationToken);
        if (!poll.Changed || poll.Current is null)
        {
            _etag = poll.ETag;
            return;
        }

        var pointer = poll.Current;
        if (pointer.Version == Applied?.Version && pointer.Sha256 == Applied.Sha256)
        {
            _etag = poll.ETag;
            return;
        }

        // A failed download is transient: keep the old ETag so the next poll tries again.
        var bytes = await feed.GetConfigAsync(pointer.Key, cancellationToken);
        _etag = poll.ETag;
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (sha != pointer.Sha256)
        {
            await RejectAsync(pointer, $"{pointer.Key} has sha256 {sha}, the pointer says {pointer.Sha256}", cancellationToken);
            return;
        }

        var candidate = options.ConfigPath + ".candidate";
        await File.WriteAllBytesAsync(candidate, bytes, cancellationToken);
        if (await haproxy.CheckAsync(candidate, cancellationToken) is { } complaint)
        {
            File.Delete(candidate);
            await RejectAsync(pointer, complaint, cancellationToken);
            return;
        }

        var lastGood = options.ConfigPath + ".last-good";
        var hadConfig = File.Exists(options.ConfigPath);
        if (hadConfig)
        {
            File.Copy(options.ConfigPath, lastGood, overwrite: true);
        }

        File.Move(candidate, options.ConfigPath, overwrite: true);
        try
        {
            await haproxy.ApplyAsync(cancellationToken);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or System.Net.Sockets.SocketException)
        {
            if (hadConfig)
            {
                File.Move(lastGood, options.ConfigPath, overwrite: true);
            }

            await RejectAsync(pointer, "haproxy did not load it: " + e.Message, cancellationToken);
            return;
        }

        Applied = pointer;
        await File.WriteAllTextAsync(AppliedFile, JsonSerializer.Serialize(pointer, RoutingJsonContext.Default.RoutesPointer), cancellationToken);
        log($"applied routes version {pointer.Version} ({pointer.Key})");
        await WriteStatusAsync(null, null, cancellationToken);
    }

    private async Task RejectAsync(RoutesPointer pointer, string reason, CancellationToken cancellationToken)
    {
        var error = $"routes version {pointer.Version} rejected: {reason}";
        log(error);
        await WriteStatusAsync(error, pointer.Version, cancellationToken);
    }

    private Task WriteStatusAsync(string? error, long? rejected, CancellationToken cancellationToken) =>
        feed.PutStatusAsync(new RouterStatus(options.Node, Applied?.Version, error, clock.GetUtcNow(), rejected), cancellationToken);

    // What was applied before a restart: the config file on disk is that version's bytes.
    private static RoutesPointer? ReadApplied(string configPath)
    {
        var file = configPath + ".applied.json";
        if (!File.Exists(file) || !File.Exists(configPath))
        {
            return null;
        }

        var applied = JsonSerializer.Deserialize(File.ReadAllText(file), RoutingJsonContext.Default.RoutesPointer);
        return applied is not null && Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(configPath))) == applied.Sha256 ? applied : null;
    }
}
