namespace Pipeline.Core.Scaling;

/// <summary>A provisioned table the pipeline owns and scales, with the manifest's bounds.</summary>
public sealed record ScaledTable(string TableName, IReadOnlyList<string> IndexNames, ScalingSettings Settings);

/// <summary>The tables whose throughput the pipeline manages (the registry of provisioned tables).</summary>
public interface IScaledTables
{
    Task<IReadOnlyList<ScaledTable>> ListAsync(CancellationToken cancellationToken);
}

/// <summary>Per-minute consumption and throttles of one table or index, oldest minute first.</summary>
public sealed record ThroughputHistory(IReadOnlyList<MinuteSample> Reads, IReadOnlyList<MinuteSample> Writes);

/// <summary>Where consumed capacity and throttle events are measured (CloudWatch, or the local metering proxy).</summary>
public interface IThroughputMetrics
{
    /// <summary>The last <paramref name="minutes"/> complete minutes before <paramref name="now"/>, keyed by index name ("" for the table).</summary>
    Task<IReadOnlyDictionary<string, ThroughputHistory>> GetAsync(
        string table, IReadOnlyList<string> indexes, DateTimeOffset now, int minutes, CancellationToken cancellationToken);
}

/// <summary>What DescribeTable says about the throughput of the table or one of its indexes.</summary>
public sealed record TargetDescription(
    string? Index,
    ThroughputStatus Status,
    Throughput Provisioned,
    int DecreasesToday,
    DateTimeOffset? LastDecrease);

/// <summary>What DescribeTable says about a table: billing mode, status, and each throughput target.</summary>
public sealed record TableDescription(string Table, BillingMode Billing, ThroughputStatus Status, IReadOnlyList<TargetDescription> Targets);

public enum UpdateOutcome
{
    Applied,

    /// <summary>DynamoDB's LimitExceededException: the decrease quota or concurrent-update limit. Retried on a later tick.</summary>
    LimitExceeded,

    /// <summary>DynamoDB's ResourceInUseException: the table is being updated. Retried on a later tick.</summary>
    ResourceInUse,

    /// <summary>The table vanished between describe and update.</summary>
    NotFound,
}

/// <summary>DescribeTable and UpdateTable of provisioned throughput.</summary>
public interface ITableCapacity
{
    /// <summary>Null when the table does not exist.</summary>
    Task<TableDescription?> DescribeAsync(string table, CancellationToken cancellationToken);

    Task<UpdateOutcome> UpdateAsync(string table, string? index, Throughput capacity, CancellationToken cancellationToken);
}

/// <summary>One decision about one table or index, as logged.</summary>
public sealed record ScalingRecord(string Table, string? Index, Throughput Old, Throughput? New, string Why, string Outcome);

/// <summary>Receives one structured record per decision.</summary>
public interface IScalingLog
{
    void Write(ScalingRecord record);
}
