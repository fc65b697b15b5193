namespace Pipeline.Local.Lambda;

/// <summary>How the local Lambda service presents itself to functions and callers.</summary>
public sealed record LocalLambdaOptions
{
    public string Region { get; init; } = "us-east-1";

    public string AccountId { get; init; } = "123456789012";

    /// <summary>Lambda's init phase limit (or the function's timeout if longer): a process not asking for work by then is stopped.</summary>
    public TimeSpan InitTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Receives each line a function process writes (function name, line); null drops them.</summary>
    public Action<string, string>? Log { get; init; }

    /// <summary>Start every function's processes up front instead of on first invocation.</summary>
    public bool Prewarm { get; init; }
}
