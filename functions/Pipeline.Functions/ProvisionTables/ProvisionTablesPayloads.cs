using System.Text.Json.Serialization;

namespace Pipeline.Functions.ProvisionTables;

/// <summary>Which recorded version's tables to provision.</summary>
public sealed record ProvisionTablesInput(string Service, string Label) : IValidatable
{
    public void Validate()
    {
        RequiredFields.Check((Service, "service"), (Label, "label"));
    }
}

/// <param name="KeptTables">Tables the service owns but no longer declares; never deleted.</param>
public sealed record ProvisionTablesOutput(
    string Service, string Label, IReadOnlyList<ProvisionedTable> Tables, IReadOnlyList<string> KeptTables);

/// <param name="Action">created, updated or unchanged.</param>
public sealed record ProvisionedTable(
    string TableName,
    string LogicalName,
    string Action,
    IReadOnlyList<string> IndexesAdded,
    IReadOnlyList<string> IndexesKept,
    IReadOnlyList<string> CapacityChanges);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ProvisionTablesInput))]
[JsonSerializable(typeof(ProvisionTablesOutput))]
public sealed partial class ProvisionTablesJson : JsonSerializerContext;
