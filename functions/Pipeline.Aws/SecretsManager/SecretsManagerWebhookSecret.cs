using Pipeline.Core.Webhooks;

namespace Pipeline.Aws.SecretsManager;

/// <summary>
/// <see cref="IWebhookSecret"/> read from Secrets Manager once per container and kept for
/// <see cref="Lifetime"/>, so a rotated secret is picked up within minutes without a read per delivery.
/// GitHub keys the HMAC with the secret's UTF-8 bytes.
/// </summary>
public sealed class SecretsManagerWebhookSecret(SecretsManagerClient client, string secretId, TimeProvider? clock = null) : IWebhookSecret
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private (byte[] Value, DateTimeOffset ReadAt)? _cached;

    public async Task<byte[]> GetAsync(CancellationToken cancellationToken)
    {
        // A Lambda container runs one invocation at a time, so no lock: at worst two reads race.
        var now = _clock.GetUtcNow();
        if (_cached is { } kept && now - kept.ReadAt < Lifetime)
        {
            return kept.Value;
        }

        try
        {
            var value = Encoding.UTF8.GetBytes(await client.GetSecretStringAsync(secretId, cancellationToken));
            _cached = (value, now);
            return value;
        }
        catch (Exception e) when (e is SecretsManagerException or HttpRequestException or JsonException
                                      || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new WebhookUnavailableException(e is SecretsManagerException ? e.Message : $"GetSecretValue failed: {e.GetType().Name}", e);
        }
    }
}
