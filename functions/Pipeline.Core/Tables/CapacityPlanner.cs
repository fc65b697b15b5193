using Pipeline.Core.Manifest;

namespace Pipeline.Core.Tables;

/// <summary>
/// Moves a table's billing mode and throughput inside the declared bounds. Throughput already
/// within bounds is the scaler's business and is left alone; DynamoDB refuses an unchanged value,
/// so only real changes are sent, one UpdateTable at a time.
/// </summary>
internal static class CapacityPlanner
{
    public static async Task<List<string>> ApplyAsync(ITableAdmin admin, TableState table, ProvisionedCapacity? bounds,
        CancellationToken cancel)
    {
        var changes = new List<string>();
        if (bounds is null)
        {
            if (!table.OnDemand)
            {
                await admin.UpdateCapacityAsync(table.Name, new CapacityChange(null, null, OnDemand: true), cancel);
                await admin.WaitUntilActiveAsync(table.Name, cancel);
                changes.Add("billing provisioned -> on demand");
            }

            return changes;
        }

        var minimum = new Throughput(bounds.Read.Min, bounds.Write.Min);
        if (table.OnDemand)
        {
            await admin.UpdateCapacityAsync(table.Name, new CapacityChange(null, minimum, OnDemand: false), cancel);
            await admin.WaitUntilActiveAsync(table.Name, cancel);
            changes.Add($"billing on demand -> provisioned {Describe(minimum)}");
            return changes;
        }

        await ClampAsync(admin, table.Name, null, table.Throughput!, bounds, changes, cancel);
        foreach (var index in table.Indexes.Where(x => x.Throughput is not null))
        {
            await ClampAsync(admin, table.Name, index.Name, index.Throughput!, bounds, changes, cancel);
        }

        return changes;
    }

    private static async Task ClampAsync(ITableAdmin admin, string table, string? index, Throughput current,
        ProvisionedCapacity bounds, List<string> changes, CancellationToken cancel)
    {
        var wanted = new Throughput(bounds.Read.Clamp(current.Read), bounds.Write.Clamp(current.Write));
        if (wanted == current)
        {
            return;
        }

        await admin.UpdateCapacityAsync(table, new CapacityChange(index, wanted), cancel);
        await admin.WaitUntilActiveAsync(table, cancel);
        changes.Add($"{(index is null ? "table" : "index " + index)} {Describe(current)} -> {Describe(wanted)}");
    }

    private static string Describe(Throughput t) =>
        string.Create(CultureInfo.InvariantCulture, $"read {t.Read}/write {t.Write}");
}
