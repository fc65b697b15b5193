using System.Text.Json.Serialization;
using Pipeline.Core.Tables;

namespace Pipeline.Functions.ProvisionTables;

/// <summary>Which recorded version's tables to provision.</summary>
public sealed record ProvisionTablesInput(string Service, string Label) : IValidatable
{
    public void Validate()
    {
        RequiredFields.Check((Service, "service"), (Label, "label"));
    }
}

/// <param name="Tables">Core's outcome for each declared table, as it is.</param>
/// <param name="KeptTables">Tables the service owns but no longer declares; never deleted.</param>
public sealed record ProvisionTablesOutput(
    string Service, string Label, IReadOnlyList<TableOutcome> Tables, IReadOnlyList<string> KeptTables);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ProvisionTablesInput))]
[JsonSerializable(typeof(ProvisionTablesOutput))]
public sealed partial class ProvisionTablesJson : JsonSerializerContext;
