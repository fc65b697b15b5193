namespace Pipeline.Local.Aws.Lambda;

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

    /// <summary>
    /// How long a function process may serve nothing before it is stopped, as Lambda reclaims idle execution
    /// environments; the next invocation then starts cold. Null keeps processes until the service stops.
    /// </summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>The clock idleness is measured on (a test's own).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// The execution role's credentials, which Lambda puts in every function's environment
    /// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY); null leaves them to the definition or, when
    /// inherited, the caller's environment.
    /// </summary>
    public LambdaCredentials? Credentials { get; init; }

    /// <summary>
    /// Whether function processes also see this process's environment. <c>pipeline invoke</c> passes
    /// the caller's through, as <c>sam local invoke</c> does; the local stack does not, so a function
    /// there sees what Lambda would give it and nothing else (PATH aside: Lambda sets one too).
    /// </summary>
    public bool InheritEnvironment { get; init; } = true;
}

/// <summary>Credentials as Lambda hands them to a function.</summary>
public sealed record LambdaCredentials(string AccessKeyId, string SecretAccessKey)
{
    public override string ToString() => $"LambdaCredentials {{ AccessKeyId = {AccessKeyId} }}";
}
