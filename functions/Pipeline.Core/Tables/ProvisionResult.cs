namespace Pipeline.Core.Tables;

/// <summary>What provisioning did to each declared table, and what it kept without touching.</summary>
/// <param name="KeptTables">Tables the service owns but no longer declares: never deleted.</param>
public sealed record ProvisionResult(IReadOnlyList<TableOutcome> Tables, IReadOnlyList<string> KeptTables);

/// <param name="TableName">Physical table name.</param>
/// <param name="Action">created, updated or unchanged.</param>
/// <param name="IndexesAdded">Indexes this run added.</param>
/// <param name="IndexesKept">Indexes the table has but the manifest no longer declares: never deleted.</param>
/// <param name="CapacityChanges">Human-readable capacity changes, e.g. <c>table read 1 -> 5</c>.</param>
public sealed record TableOutcome(
    string TableName,
    string LogicalName,
    string Action,
    IReadOnlyList<string> IndexesAdded,
    IReadOnlyList<string> IndexesKept,
    IReadOnlyList<string> CapacityChanges);
