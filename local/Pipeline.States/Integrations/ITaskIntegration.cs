namespace Pipeline.States.Integrations;

/// <summary>What a Task state hands to the integration serving its Resource.</summary>
/// <param name="Heartbeat">Call while working to keep a HeartbeatSeconds deadline from expiring.</param>
public sealed record TaskInvocation(
    string Resource,
    JsonNode? Input,
    string StateName,
    JsonNode? Context,
    int? TimeoutSeconds,
    Action Heartbeat);

/// <summary>
/// Serves Task resources. Failures are raised as <see cref="StatesException"/> whose Error is the ASL error name
/// (a Lambda function's errorType, Lambda.ServiceException, ...); any other exception becomes an error named
/// after its type.
/// </summary>
public interface ITaskIntegration
{
    Task<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken);
}

/// <summary>Resource ARN patterns mapped to integrations; the first registered match wins.</summary>
public sealed class TaskIntegrationRegistry
{
    private readonly List<(Regex Pattern, string Text, ITaskIntegration Integration)> _entries = [];

    /// <param name="pattern">An ARN where '*' matches any run of characters except ':'; '**' matches anything.</param>
    public TaskIntegrationRegistry Register(string pattern, ITaskIntegration integration)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var regex = "^" + Regex.Escape(pattern).Replace(@"\*\*", ".*", StringComparison.Ordinal).Replace(@"\*", "[^:]*", StringComparison.Ordinal) + "$";
        _entries.Add((new Regex(regex, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)), pattern, integration));
        return this;
    }

    public ITaskIntegration? Resolve(string resource) =>
        _entries.FirstOrDefault(e => e.Pattern.IsMatch(resource)).Integration;

    public IReadOnlyList<string> Patterns => _entries.Select(e => e.Text).ToList();
}

public static class TaskResources
{
    /// <summary>Splits arn:aws:states:::service:action[.sync] into ("service", "action"); null for other ARNs.</summary>
    public static (string ResourceType, string Resource)? Describe(string resource)
    {
        const string prefix = "arn:aws:states:::";
        if (resource is null || !resource.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }
        var rest = resource[prefix.Length..];
        var cut = rest.LastIndexOf(':');
        return cut < 0 ? (rest, rest) : (rest[..cut], rest[(cut + 1)..]);
    }

    public static bool IsLambdaFunctionArn(string resource) =>
        resource is not null && resource.StartsWith("arn:aws:lambda:", StringComparison.Ordinal);
}
