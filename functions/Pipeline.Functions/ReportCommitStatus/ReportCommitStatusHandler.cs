using Pipeline.Core.CommitStatuses;
using Pipeline.Core.Triggers;

namespace Pipeline.Functions.ReportCommitStatus;

/// <summary>
/// The target of the rule on the deploy machine's "Execution Status Change" events: posts the run's
/// commit status on GitHub. It runs beside the deploy, never in it, so nothing here can fail a deploy;
/// a refusal is logged and returned, and only a failure worth retrying (GitHub or Secrets Manager
/// unreachable) fails the invocation, which Lambda's asynchronous retries then repeat.
/// </summary>
public sealed class ReportCommitStatusHandler(CommitStatusReporter reporter)
    : IFunctionHandler<EventEnvelope<ExecutionStatusChange>, CommitStatusReport>
{
    public async Task<CommitStatusReport> HandleAsync(EventEnvelope<ExecutionStatusChange> input, InvocationContext context)
    {
        var report = await reporter.ReportAsync(input, context.CancellationToken);
        Console.WriteLine($"{context.RequestId} {input.Detail?.Name ?? "-"} {input.Detail?.Status ?? "-"}: {report.Reason}");
        return report;
    }
}
