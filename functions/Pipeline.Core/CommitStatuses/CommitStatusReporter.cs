using Pipeline.Core.Deploy;
using Pipeline.Core.Naming;
using Pipeline.Core.Triggers;
using Pipeline.Core.Webhooks;

namespace Pipeline.Core.CommitStatuses;

/// <param name="Owner">GitHubOwner: the owner of every repository a GitHub run builds (empty: no GitHub runs).</param>
/// <param name="StackName">Names the status context, so two stacks report on one commit side by side.</param>
/// <param name="DeployStateMachineArn">Only this machine's executions are reported.</param>
/// <param name="ExecutionLinkPrefix">The run's link is this prefix and its execution ARN; null: the Step Functions console.</param>
public sealed record CommitStatusSettings(string Owner, string StackName, string DeployStateMachineArn, string? ExecutionLinkPrefix = null)
{
    public string Context => $"deploy/{StackName}";
}

/// <summary>
/// Turns one Step Functions "Execution Status Change" event into one GitHub commit status: <c>pending</c>
/// when a run starts, <c>success</c>, <c>failure</c> or <c>error</c> (stopped) when it ends, linking the
/// run. Only runs the GitHub webhook started are reported: their input is the signed push the receiver
/// built, so the commit and repository come from there and the owner from the configuration.
/// </summary>
public sealed class CommitStatusReporter(CommitStatusSettings settings, ICommitStatuses statuses, IExecutionStatuses executions)
{
    public const string StatesSource = "aws.states";
    public const string StatusChangeDetailType = "Step Functions Execution Status Change";

    public async Task<CommitStatusReport> ReportAsync(EventEnvelope<ExecutionStatusChange> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Source != StatesSource || change.DetailType != StatusChangeDetailType || change.Detail is not { } detail)
        {
            return new(false, $"ignored: not a Step Functions execution status change (source {Shown.Quote(change.Source)}, detail-type {Shown.Quote(change.DetailType)})");
        }

        if (detail.StateMachineArn != settings.DeployStateMachineArn || string.IsNullOrEmpty(detail.ExecutionArn))
        {
            return new(false, $"ignored: execution of {Shown.Quote(detail.StateMachineArn)}, not of the deploy state machine");
        }

        if (Commit(detail.Input) is not { } commit)
        {
            return new(false, $"ignored: {detail.Name} was not started by a GitHub push");
        }

        if (Status(detail, commit.Repository) is not { } status)
        {
            return new(false, $"ignored: status {Shown.Quote(detail.Status)} is not reported");
        }

        if (status.State == CommitStatus.Pending && await HasEndedAsync(detail.ExecutionArn, cancellationToken))
        {
            // Events are delivered best effort and invocations may overtake each other: a late "pending"
            // must not replace the final status GitHub already shows.
            return new(false, $"ignored: {detail.Name} has already ended, so its final status stands", status.State);
        }

        try
        {
            await statuses.PostAsync(commit, status, cancellationToken);
            return new(true, $"{status.State} posted on {commit} ({status.Context}): {status.Description}", status.State);
        }
        catch (CommitStatusRefusedException e)
        {
            return new(false, $"GitHub refused the {status.State} status on {commit}: {e.Message}", status.State);
        }
    }

    /// <summary>The pushed commit of a run the webhook started, or null for any other run.</summary>
    public CommitRef? Commit(string? input)
    {
        if (settings.Owner.Length == 0 || string.IsNullOrEmpty(input))
        {
            return null;
        }

        GitHubTrigger? trigger;
        try
        {
            trigger = JsonSerializer.Deserialize(input, CommitStatusJson.Default.GitHubTrigger);
        }
        catch (JsonException)
        {
            return null;
        }

        var name = trigger?.Detail?.Repository?.Name;
        var sha = trigger?.Detail?.After;
        return trigger?.Source == TriggerNormalizer.GitHubSource && ServiceName.IsValid(name) && CommitSha.IsValid(sha)
            ? new CommitRef(settings.Owner, name!, CommitSha.Normalize(sha!))
            : null;
    }

    private CommitStatus? Status(ExecutionStatusChange detail, string service)
    {
        var failure = detail.Error is null ? "" : $" ({detail.Error}{(string.IsNullOrEmpty(detail.Cause) ? "" : ": " + detail.Cause)})";
        var (state, description) = detail.Status switch
        {
            ExecutionStatuses.Running => (CommitStatus.Pending, $"Deploying {service}: test, tag, roll out"),
            ExecutionStatuses.Succeeded => (CommitStatus.Success, $"Deployed: {service} runs this commit"),
            ExecutionStatuses.Failed => (CommitStatus.Failure, $"Deploy failed{failure}"),
            ExecutionStatuses.TimedOut => (CommitStatus.Failure, $"Deploy timed out{failure}"),
            ExecutionStatuses.Aborted => (CommitStatus.Error, $"Deploy stopped{failure}"),
            _ => ((string?)null, ""),
        };
        return state is null ? null : new CommitStatus(state, Link(detail.ExecutionArn!), Fit(description), settings.Context);
    }

    /// <summary>Where the run can be seen: the Step Functions console of the execution's region, or the configured prefix.</summary>
    public string Link(string executionArn)
    {
        if (settings.ExecutionLinkPrefix is { } prefix)
        {
            return prefix + Uri.EscapeDataString(executionArn);
        }

        var region = executionArn.Split(':') is { Length: > 3 } parts ? parts[3] : "us-east-1";
        return $"https://{region}.console.aws.amazon.com/states/home?region={region}#/v2/executions/details/{executionArn}";
    }

    private async Task<bool> HasEndedAsync(string executionArn, CancellationToken cancellationToken)
    {
        try
        {
            return await executions.GetStatusAsync(executionArn, cancellationToken) is { } status && ExecutionStatuses.HasEnded(status);
        }
        catch (ExecutionStatusUnavailableException)
        {
            // Unknown: post "pending"; a final status that follows still replaces it.
            return false;
        }
    }

    private static string Fit(string description) =>
        description.Length <= CommitStatus.DescriptionMax ? description : description[..(CommitStatus.DescriptionMax - 3)] + "...";
}
