using Pipeline.Core.Manifest;

namespace Pipeline.Core.Tables;

/// <summary>
/// The DynamoDB control plane as table provisioning needs it. Deliberately has no delete:
/// the pipeline never deletes a table or an index.
/// </summary>
public interface ITableAdmin
{
    /// <summary>The table as DynamoDB describes it, or null when it does not exist.</summary>
    Task<TableState?> DescribeAsync(string tableName, CancellationToken cancel = default);

    /// <summary>Creates the table with its indexes at <paramref name="throughput"/> (null: on demand) and tags it.</summary>
    Task CreateAsync(string tableName, TableSpec spec, Throughput? throughput, IReadOnlyDictionary<string, string> tags,
        CancellationToken cancel = default);

    /// <summary>Adds one global secondary index; DynamoDB accepts one index change per UpdateTable.</summary>
    Task AddIndexAsync(string tableName, IndexSpec index, Throughput? throughput, CancellationToken cancel = default);

    /// <summary>Switches billing mode and/or sets the throughput of the table or of one of its indexes.</summary>
    Task UpdateCapacityAsync(string tableName, CapacityChange change, CancellationToken cancel = default);

    /// <summary>Waits until the table and every index are ACTIVE (UpdateTable is refused meanwhile).</summary>
    Task WaitUntilActiveAsync(string tableName, CancellationToken cancel = default);
}

/// <summary>Read and write capacity units.</summary>
public sealed record Throughput(long Read, long Write);

/// <summary>A table as it exists in DynamoDB.</summary>
/// <param name="Throughput">Provisioned throughput, or null for an on-demand table.</param>
public sealed record TableState(
    string Name,
    bool Active,
    KeyDefinition PartitionKey,
    KeyDefinition? SortKey,
    IReadOnlyList<IndexState> Indexes,
    Throughput? Throughput)
{
    public bool OnDemand => Throughput is null;
}

public sealed record IndexState(string Name, KeyDefinition PartitionKey, KeyDefinition? SortKey, IndexProjection Projection,
    Throughput? Throughput);

/// <summary>
/// One UpdateTable worth of capacity change. <see cref="IndexName"/> null targets the table;
/// <see cref="OnDemand"/> switches billing mode (then <see cref="Throughput"/> applies to the
/// table and every index when switching to provisioned).
/// </summary>
public sealed record CapacityChange(string? IndexName, Throughput? Throughput, bool? OnDemand = null);
