using Pipeline.Core.Manifest;

namespace Pipeline.Core.Tables;

/// <summary>The differences between a declared table and an existing one that DynamoDB cannot apply in place.</summary>
internal static class SchemaDiff
{
    public static IEnumerable<string> Conflicts(string table, string path, TableSpec spec, TableState state)
    {
        if (!Same(spec.PartitionKey, state.PartitionKey) || !Same(spec.SortKey, state.SortKey))
        {
            yield return $"{path}: table {table} has key {Describe(state.PartitionKey, state.SortKey)} but the manifest " +
                         $"declares {Describe(spec.PartitionKey, spec.SortKey)}; DynamoDB cannot change a table's key " +
                         "schema, so declare a new table instead";
        }

        var types = new Dictionary<string, AttributeType>(StringComparer.Ordinal);
        foreach (var key in ExistingKeys(state))
        {
            types.TryAdd(key.Name, key.Type);
        }

        for (var i = 0; i < spec.Indexes.Count; i++)
        {
            var index = spec.Indexes[i];
            var existing = state.Indexes.FirstOrDefault(x => x.Name == index.Name);
            if (existing is null)
            {
                foreach (var key in new[] { index.PartitionKey, index.SortKey }.OfType<KeyDefinition>())
                {
                    if (types.TryGetValue(key.Name, out var type) && type != key.Type)
                    {
                        yield return $"{path}.indexes[{i}]: new index {index.Name} uses {key.Name} as {key.Type} but table " +
                                     $"{table} already defines {key.Name} as {type}; an attribute has one type per table";
                    }
                }

                continue;
            }

            if (!Same(index.PartitionKey, existing.PartitionKey) || !Same(index.SortKey, existing.SortKey)
                || index.Projection != existing.Projection)
            {
                yield return $"{path}.indexes[{i}]: index {index.Name} of table {table} has key " +
                             $"{Describe(existing.PartitionKey, existing.SortKey)} and projection {existing.Projection} but the manifest " +
                             $"declares {Describe(index.PartitionKey, index.SortKey)} and {index.Projection}; an index cannot be " +
                             "changed in place and the pipeline never deletes one, so declare it under a new name";
            }
        }
    }

    private static IEnumerable<KeyDefinition> ExistingKeys(TableState state)
    {
        var keys = new List<KeyDefinition?> { state.PartitionKey, state.SortKey };
        foreach (var index in state.Indexes)
        {
            keys.Add(index.PartitionKey);
            keys.Add(index.SortKey);
        }

        return keys.OfType<KeyDefinition>();
    }

    private static bool Same(KeyDefinition? a, KeyDefinition? b) => a == b;

    private static string Describe(KeyDefinition partition, KeyDefinition? sort) =>
        sort is null ? $"[{partition}]" : $"[{partition}, {sort}]";
}
