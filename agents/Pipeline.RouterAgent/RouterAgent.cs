using System.Security.Cryptography;
using System.Text.Json;
using Pipeline.Core.Routing;

namespace Pipeline.RouterAgent;

/// <summary>
/// One poll: read the pointer (a 304 when idle), fetch the config it names (at most
/// <see cref="AgentOptions.MaxConfigBytes"/>), check its SHA-256, check that every line is one the
/// renderer writes (<see cref="HaproxyConfigGrammar"/>), validate it with haproxy, swap it in with a
/// rename and make haproxy load it. A config that fails any step is never applied; the running one
/// stays, and the status says why. Routes versions only move forward: a pointer to a version at or
/// below the applied one is logged and ignored (a rollback is published as a new, higher version).
/// </summary>
public sealed class RouterAgent(AgentOptions options, IRoutesFeed feed, IHaproxy haproxy, TimeProvider clock, Action<string> log)
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private string? _etag;
    private long _heartbeat;
    private string? _lastError;
    private long? _lastRejected;

    public RoutesPointer? Applied { get; private set; } = ReadApplied(options.ConfigPath);

    /// <summary>
    /// True once a poll found this router running the current routes (or nothing published yet),
    /// or serving its last good config after refusing a newer one; what the load balancer's
    /// health check asks, so a new router takes no traffic before it has the routes.
    /// </summary>
    public bool Ready { get; private set; }

    /// <summary>One poll, then the heartbeat if the poll wrote no report: every poll leaves a fresh report.</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        var before = _heartbeat;
        await PollOnceAsync(cancellationToken);
        if (_heartbeat == before)
        {
            await ReportAsync(cancellationToken);
        }
    }

    private string AppliedFile => options.ConfigPath + ".applied.json";

    /// <summary>
    /// The heartbeat: repeats the last outcome (a rejection stays visible until a later version is
    /// applied) with a fresh time, so the pipeline counts this router as alive.
    /// </summary>
    public Task ReportAsync(CancellationToken cancellationToken) => WriteStatusAsync(_lastError, _lastRejected, cancellationToken);

    public async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        var poll = await feed.PollPointerAsync(_etag, cancellationToken);
        if (!poll.Changed || poll.Current is null)
        {
            // No ETag and no pointer: nothing was ever published, so there is nothing to catch up on.
            Ready |= poll.Current is null && poll.ETag is null;
            _etag = poll.ETag;
            return;
        }

        var pointer = poll.Current;
        if (Applied is { } applied && pointer.Version <= applied.Version)
        {
            Ready = true;
            _etag = poll.ETag;
            if (pointer != applied)
            {
                log($"ignored routes version {pointer.Version} ({pointer.Key}): routes only move forward and version {applied.Version} is applied");
            }

            return;
        }

        byte[] bytes;
        try
        {
            bytes = await feed.GetConfigAsync(pointer.Key, options.MaxConfigBytes, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            _etag = poll.ETag;
            await RejectAsync(pointer, e.Message, cancellationToken);
            return;
        }

        // Set only now: a failed download is transient, and the next poll tries again.
        _etag = poll.ETag;
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (sha != pointer.Sha256)
        {
            await RejectAsync(pointer, $"{pointer.Key} has sha256 {sha}, the pointer says {pointer.Sha256}", cancellationToken);
            return;
        }

        if (Unrendered(bytes) is { } foreign)
        {
            await RejectAsync(pointer, foreign, cancellationToken);
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
        Ready = true;
        await File.WriteAllTextAsync(AppliedFile, JsonSerializer.Serialize(pointer, RoutingJsonContext.Default.RoutesPointer), cancellationToken);
        log($"applied routes version {pointer.Version} ({pointer.Key})");
        await WriteStatusAsync(null, null, cancellationToken);
    }

    /// <summary>Why the bytes are not a config the renderer could have written; null when they could be.</summary>
    private static string? Unrendered(byte[] bytes)
    {
        string text;
        try
        {
            text = Strict.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return "the config is not valid UTF-8";
        }

        var violations = HaproxyConfigGrammar.Violations(text);
        return violations.Count == 0 ? null
            : $"the config has {violations.Count} line(s) the renderer never writes, refused before haproxy -c: " +
              string.Join("; ", violations.Take(5));
    }

    private async Task RejectAsync(RoutesPointer pointer, string reason, CancellationToken cancellationToken)
    {
        var error = $"routes version {pointer.Version} rejected: {reason}";
        Ready = Applied is not null;
        log(error);
        await WriteStatusAsync(error, pointer.Version, cancellationToken);
    }

    private Task WriteStatusAsync(string? error, long? rejected, CancellationToken cancellationToken)
    {
        _lastError = error;
        _lastRejected = rejected;
        return feed.PutStatusAsync(
            new RouterStatus(options.Node, Applied?.Version, error, clock.GetUtcNow(), rejected, ++_heartbeat, (long)options.PollInterval.TotalMilliseconds),
            cancellationToken);
    }

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
