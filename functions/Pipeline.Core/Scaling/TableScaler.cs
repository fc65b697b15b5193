namespace Pipeline.Core.Scaling;

/// <summary>
/// One tick of the scaler: for every owned table, describe it, read its metrics, ask the policy about
/// the table and each index, and apply at most one change per table (DynamoDB runs one UpdateTable
/// per table at a time; the others wait for the next tick). Refusals from DynamoDB are logged and
/// retried on a later tick; a failure on one table does not stop the others.
/// </summary>
public sealed class TableScaler(
    IScaledTables tables,
    ITableCapacity capacity,
    IThroughputMetrics metrics,
    IScalingPolicy policy,
    IScalingLog log,
    TimeProvider clock)
{
    public const int HistoryMinutes = 60;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var updates = 0;
        foreach (var table in await tables.ListAsync(cancellationToken))
        {
            try
            {
                updates += await ScaleAsync(table, cancellationToken) ? 1 : 0;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.Write(new ScalingRecord(table.TableName, null, default, null, $"{e.GetType().Name}: {e.Message}", "error"));
            }
        }

        return updates;
    }

    private async Task<bool> ScaleAsync(ScaledTable table, CancellationToken cancellationToken)
    {
        var description = await capacity.DescribeAsync(table.TableName, cancellationToken);
        if (description is null)
        {
            log.Write(new ScalingRecord(table.TableName, null, default, null, "table not found", "skipped"));
            return false;
        }

        if (description.Billing == BillingMode.PayPerRequest)
        {
            log.Write(new ScalingRecord(table.TableName, null, default, null, "on-demand: capacity is not managed", "skipped"));
            return false;
        }

        var now = clock.GetUtcNow();
        var indexes = description.Targets.Where(t => t.Index is not null && table.IndexNames.Contains(t.Index)).Select(t => t.Index!).ToArray();
        var history = await metrics.GetAsync(table.TableName, indexes, now, HistoryMinutes, cancellationToken);
        var updated = false;
        foreach (var target in description.Targets.Where(t => t.Index is null || indexes.Contains(t.Index)))
        {
            // Any update in flight, including the one this tick made, makes the whole table wait.
            var busy = updated || description.Status != ThroughputStatus.Active;
            var status = busy ? ThroughputStatus.Updating : target.Status;
            var samples = history.TryGetValue(target.Index ?? "", out var h) ? h : new ThroughputHistory([], []);
            var state = new ThroughputState(
                table.TableName, target.Index, description.Billing, status, target.Provisioned,
                target.DecreasesToday, target.LastDecrease, samples.Reads, samples.Writes, now);
            var decision = policy.Decide(state, table.Settings);
            if (!decision.Changes || decision.Next is not { } next)
            {
                log.Write(new ScalingRecord(table.TableName, target.Index, target.Provisioned, null, decision.Reason, "kept"));
                continue;
            }

            var outcome = await capacity.UpdateAsync(table.TableName, target.Index, next, cancellationToken);
            log.Write(new ScalingRecord(table.TableName, target.Index, target.Provisioned, next, decision.Reason, Describe(outcome)));
            updated |= outcome == UpdateOutcome.Applied;
        }

        return updated;
    }

    private static string Describe(UpdateOutcome outcome) => outcome switch
    {
        UpdateOutcome.Applied => "updated",
        UpdateOutcome.LimitExceeded => "refused: LimitExceededException, retry next tick",
        UpdateOutcome.ResourceInUse => "refused: ResourceInUseException, retry next tick",
        _ => "refused: table not found",
    };
}
