namespace Pipeline.Core.Tests.Fakes;

/// <summary>Step Functions' naming rule in memory: one execution per name, ever; a start can be made to fail.</summary>
public sealed class InMemoryExecutions : IExecutionStarter
{
    private readonly Dictionary<string, string> _inputs = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Started => _inputs;

    /// <summary>How many of the next starts fail as an unavailable service would.</summary>
    public int FailNext { get; set; }

    public Task<ExecutionStart> StartAsync(string name, string input, CancellationToken cancellationToken)
    {
        if (FailNext > 0)
        {
            FailNext--;
            throw new WebhookUnavailableException("StartExecution: ServiceUnavailable");
        }

        var arn = $"arn:aws:states:us-east-1:123456789012:execution:deploy:{name}";
        return Task.FromResult(new ExecutionStart(_inputs.TryAdd(name, input), arn));
    }
}

/// <summary>A fixed webhook secret, or one that cannot be read.</summary>
public sealed class FixedWebhookSecret(byte[]? secret) : IWebhookSecret
{
    public Task<byte[]> GetAsync(CancellationToken cancellationToken) =>
        secret is null ? throw new WebhookUnavailableException("GetSecretValue: AccessDeniedException") : Task.FromResult(secret);
}
