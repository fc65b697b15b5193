using Pipeline.Core.Manifest;
using Pipeline.Core.Tables;

namespace Pipeline.Core.Tests.Fakes;

/// <summary>Tables in memory, refusing what DynamoDB refuses: changes while not ACTIVE, unchanged throughput.</summary>
internal sealed class FakeTableAdmin : ITableAdmin
{
    public Dictionary<string, TableState> Tables { get; } = new(StringComparer.Ordinal);

    public List<string> Calls { get; } = [];

    public Task<TableState?> DescribeAsync(string tableName, CancellationToken cancel = default) =>
        Task.FromResult(Tables.GetValueOrDefault(tableName));

    public Task CreateAsync(string tableName, TableSpec spec, Throughput? throughput, IReadOnlyDictionary<string, string> tags,
        CancellationToken cancel = default)
    {
        Calls.Add($"create {tableName}");
        Tables[tableName] = new TableState(tableName, Active: false, spec.PartitionKey, spec.SortKey,
            spec.Indexes.Select(i => new IndexState(i.Name, i.PartitionKey, i.SortKey, i.Projection, throughput)).ToList(),
            throughput);
        return Task.CompletedTask;
    }

    public Task AddIndexAsync(string tableName, IndexSpec index, Throughput? throughput, CancellationToken cancel = default)
    {
        var table = Active(tableName);
        Calls.Add($"add-index {tableName} {index.Name}");
        Tables[tableName] = table with
        {
            Active = false,
            Indexes = [.. table.Indexes, new IndexState(index.Name, index.PartitionKey, index.SortKey, index.Projection, throughput)],
        };
        return Task.CompletedTask;
    }

    public Task UpdateCapacityAsync(string tableName, CapacityChange change, CancellationToken cancel = default)
    {
        var table = Active(tableName);
        Calls.Add($"capacity {tableName} {change.IndexName ?? "table"} {change.Throughput} onDemand={change.OnDemand}");
        if (change.OnDemand is { } onDemand)
        {
            var throughput = onDemand ? null : change.Throughput;
            Tables[tableName] = table with
            {
                Active = false,
                Throughput = throughput,
                Indexes = [.. table.Indexes.Select(i => i with { Throughput = throughput })],
            };
            return Task.CompletedTask;
        }

        var current = change.IndexName is null ? table.Throughput : table.Indexes.Single(i => i.Name == change.IndexName).Throughput;
        if (current == change.Throughput)
        {
            throw new InvalidOperationException("ValidationException: the provisioned throughput will not change");
        }

        Tables[tableName] = change.IndexName is null
            ? table with { Active = false, Throughput = change.Throughput }
            : table with
            {
                Active = false,
                Indexes = [.. table.Indexes.Select(i => i.Name == change.IndexName ? i with { Throughput = change.Throughput } : i)],
            };
        return Task.CompletedTask;
    }

    public Task WaitUntilActiveAsync(string tableName, CancellationToken cancel = default)
    {
        Tables[tableName] = Tables[tableName] with { Active = true };
        return Task.CompletedTask;
    }

    private TableState Active(string tableName)
    {
        var table = Tables[tableName];
        return table.Active ? table : throw new InvalidOperationException($"ResourceInUseException: {tableName} is not ACTIVE");
    }
}
