namespace Pipeline.Local.Aws.Lambda;

/// <summary>
/// One invocation from the moment a caller makes it until exactly one outcome completes it. The
/// first completion wins, so a late answer after a timeout or a crash can never be delivered twice.
/// </summary>
internal sealed class PendingInvocation(string requestId, byte[] payload)
{
    private readonly TaskCompletionSource<InvokeResult> outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int dispatched;

    public string RequestId { get; } = requestId;

    public byte[] Payload { get; } = payload;

    public Task<InvokeResult> Outcome => outcome.Task;

    public bool IsCompleted => outcome.Task.IsCompleted;

    /// <summary>Claims the invocation for one runtime; false if another took it or it already ended.</summary>
    public bool TryDispatch() => !IsCompleted && Interlocked.Exchange(ref dispatched, 1) == 0;

    /// <summary>Gives back a claim whose runtime died before the invocation reached it.</summary>
    public void ReleaseDispatch() => Interlocked.Exchange(ref dispatched, 0);

    public bool TrySucceed(byte[] response) =>
        outcome.TrySetResult(new InvokeResult(RequestId, response, null));

    public bool TryFail(byte[] errorDocument) =>
        outcome.TrySetResult(new InvokeResult(RequestId, errorDocument, InvokeResult.Unhandled));

    public bool TryFail(string errorType, string message) =>
        TryFail(LambdaServiceErrors.Create(errorType, $"RequestId: {RequestId} Error: {message}"));
}
