namespace Pipeline.Lambda;

/// <summary>What the Runtime API tells a function about the invocation it is serving.</summary>
/// <param name="RequestId">Lambda-Runtime-Aws-Request-Id.</param>
/// <param name="Deadline">Lambda-Runtime-Deadline-Ms as an instant.</param>
/// <param name="InvokedFunctionArn">Lambda-Runtime-Invoked-Function-Arn.</param>
/// <param name="TraceId">Lambda-Runtime-Trace-Id, also copied into _X_AMZN_TRACE_ID.</param>
/// <param name="CancellationToken">Fires shortly before the deadline.</param>
public sealed record InvocationContext(
    string RequestId,
    DateTimeOffset Deadline,
    string InvokedFunctionArn,
    string? TraceId,
    CancellationToken CancellationToken);
