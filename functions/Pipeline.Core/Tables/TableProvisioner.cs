using Pipeline.Core.Manifest;

namespace Pipeline.Core.Tables;

/// <summary>
/// Brings a service's DynamoDB tables to what its manifest declares, without ever deleting:
/// creates missing tables, adds missing indexes one at a time, keeps capacity within the
/// declared bounds and records each table for the scaler. Every conflict is found before the
/// first change, so a refused manifest changes nothing; a second run finds nothing to do.
/// </summary>
public sealed class TableProvisioner(ITableAdmin admin, IRegistry registry, string tablePrefix)
{
    public async Task<ProvisionResult> ProvisionAsync(ServiceManifest manifest, CancellationToken cancel = default)
    {
        var plans = new List<TablePlan>();
        var ownership = new List<string>();
        var schema = new List<string>();
        for (var i = 0; i < manifest.Tables.Count; i++)
        {
            var spec = manifest.Tables[i];
            var name = TableSpec.PhysicalName(tablePrefix, manifest.Name, spec.Name);
            var state = await admin.DescribeAsync(name, cancel);
            var owned = await registry.GetOwnedTableAsync(name, cancel);
            if (owned is not null && owned.Service != manifest.Name)
            {
                ownership.Add($"tables[{i}].name: table {name} is owned by service {owned.Service}; service {manifest.Name} cannot claim it");
            }
            else if (state is not null && owned is null)
            {
                ownership.Add($"tables[{i}].name: table {name} already exists but the pipeline did not create it " +
                              $"for service {manifest.Name}; it will not adopt a table it does not own");
            }
            else if (state is not null)
            {
                schema.AddRange(SchemaDiff.Conflicts(name, $"tables[{i}]", spec, state));
            }

            plans.Add(new TablePlan(name, spec, state, owned));
        }

        if (ownership.Count > 0)
        {
            throw new OwnershipConflictException(ownership);
        }

        if (schema.Count > 0)
        {
            throw new TableSchemaConflictException(schema);
        }

        var outcomes = new List<TableOutcome>();
        foreach (var plan in plans)
        {
            outcomes.Add(await ApplyAsync(manifest.Name, plan, cancel));
        }

        var declared = plans.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var kept = (await registry.ListOwnedTablesAsync(cancel))
            .Where(t => t.Service == manifest.Name && !declared.Contains(t.TableName))
            .Select(t => t.TableName)
            .ToList();
        return new ProvisionResult(outcomes, kept);
    }

    private async Task<TableOutcome> ApplyAsync(string service, TablePlan plan, CancellationToken cancel)
    {
        var spec = plan.Spec;
        var bounds = spec.Capacity.Provisioned;
        var minimum = bounds is null ? null : new Throughput(bounds.Read.Min, bounds.Write.Min);
        var existingIndexes = plan.State?.Indexes.Select(x => x.Name).ToList() ?? [];
        var record = ToOwnedTable(service, plan.Name, spec,
            existingIndexes.Union(spec.Indexes.Select(x => x.Name), StringComparer.Ordinal).ToList());

        // Claim before creating: a race with another service is lost here, before any table exists.
        if (plan.Owned is null || !plan.Owned.SameAs(record))
        {
            try
            {
                await registry.PutOwnedTableAsync(record, cancel);
            }
            catch (RegistryConflictException e)
            {
                throw new OwnershipConflictException([e.Message]);
            }
        }

        if (plan.State is null)
        {
            var tags = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["pipeline:service"] = service,
                ["pipeline:table"] = spec.Name,
            };
            await admin.CreateAsync(plan.Name, spec, minimum, tags, cancel);
            await admin.WaitUntilActiveAsync(plan.Name, cancel);
            return new TableOutcome(plan.Name, spec.Name, "created", spec.Indexes.Select(x => x.Name).ToList(), [], []);
        }

        if (!plan.State.Active)
        {
            await admin.WaitUntilActiveAsync(plan.Name, cancel);
        }

        var added = new List<string>();
        foreach (var index in spec.Indexes.Where(x => !existingIndexes.Contains(x.Name)))
        {
            await admin.AddIndexAsync(plan.Name, index, plan.State.OnDemand ? null : minimum, cancel);
            await admin.WaitUntilActiveAsync(plan.Name, cancel);
            added.Add(index.Name);
        }

        var current = await admin.DescribeAsync(plan.Name, cancel) ?? plan.State;
        var changes = await CapacityPlanner.ApplyAsync(admin, current, bounds, cancel);
        var kept = existingIndexes.Except(spec.Indexes.Select(x => x.Name), StringComparer.Ordinal).ToList();
        var action = added.Count > 0 || changes.Count > 0 ? "updated" : "unchanged";
        return new TableOutcome(plan.Name, spec.Name, action, added, kept, changes);
    }

    private static OwnedTable ToOwnedTable(string service, string name, TableSpec spec, List<string> indexes)
    {
        var p = spec.Capacity.Provisioned;
        return p is null
            ? new OwnedTable(name, service, spec.Name, indexes, OnDemand: true, 0, 0, 0, 0, 0)
            : new OwnedTable(name, service, spec.Name, indexes, OnDemand: false,
                p.Read.Min, p.Read.Max, p.Write.Min, p.Write.Max, p.TargetUtilization);
    }

    private sealed record TablePlan(string Name, TableSpec Spec, TableState? State, OwnedTable? Owned);
}
