using Pipeline.Core.Manifest;
using Pipeline.Core.Registry;
using Pipeline.Core.Tables;

namespace Pipeline.Functions.ProvisionTables;

/// <summary>Creates and updates a version's declared tables; never deletes a table or an index.</summary>
public sealed class ProvisionTablesHandler(IRegistry registry, TableProvisioner provisioner)
    : IFunctionHandler<ProvisionTablesInput, ProvisionTablesOutput>
{
    public async Task<ProvisionTablesOutput> HandleAsync(ProvisionTablesInput input, InvocationContext context)
    {
        var version = await registry.GetVersionAsync(input.Service, input.Label, context.CancellationToken)
            ?? throw new VersionNotFoundException($"{input.Service} has no recorded version {input.Label}.");
        var manifest = ManifestParser.Parse(version.ManifestYaml, version.ManifestKey, input.Service);
        var result = await provisioner.ProvisionAsync(manifest, context.CancellationToken);
        return new ProvisionTablesOutput(input.Service, input.Label, result.Tables, result.KeptTables);
    }
}
