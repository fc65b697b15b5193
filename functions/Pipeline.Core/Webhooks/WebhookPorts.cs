namespace Pipeline.Core.Webhooks;

/// <summary>The shared secret GitHub signs deliveries with (on AWS, a Secrets Manager secret).</summary>
public interface IWebhookSecret
{
    /// <summary>The secret's bytes; throws <see cref="WebhookUnavailableException"/> when it cannot be read.</summary>
    Task<byte[]> GetAsync(CancellationToken cancellationToken);
}

/// <summary>Starts one named execution of the deploy state machine.</summary>
public interface IExecutionStarter
{
    /// <summary>
    /// Starts execution <paramref name="name"/> with <paramref name="input"/> unless one of that name exists.
    /// Throws <see cref="WebhookUnavailableException"/> when the service could not be asked.
    /// </summary>
    Task<ExecutionStart> StartAsync(string name, string input, CancellationToken cancellationToken);
}

/// <param name="Started">False when an execution of that name already existed, so nothing new started.</param>
public sealed record ExecutionStart(bool Started, string ExecutionArn);

/// <summary>A dependency of the receiver (the secret, Step Functions) failed; GitHub may redeliver later.</summary>
public sealed class WebhookUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
