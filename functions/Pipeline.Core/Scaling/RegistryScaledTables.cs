namespace Pipeline.Core.Scaling;

/// <summary>The scaler's view of the registry: every provisioned table the pipeline owns, with its manifest bounds.</summary>
public sealed class RegistryScaledTables(IRegistry registry) : IScaledTables
{
    public async Task<IReadOnlyList<ScaledTable>> ListAsync(CancellationToken cancellationToken)
    {
        var owned = await registry.ListOwnedTablesAsync(cancellationToken);
        return owned
            .Where(t => !t.OnDemand)
            .Select(t => new ScaledTable(
                t.TableName,
                t.Indexes,
                new ScalingSettings(
                    new Throughput(Math.Max(1, t.MinRead), Math.Max(1, t.MinWrite)),
                    new Throughput(Math.Max(1, t.MaxRead), Math.Max(1, t.MaxWrite)),
                    t.TargetUtilization)))
            .ToArray();
    }
}
