using YamlDotNet.RepresentationModel;
using static Pipeline.Core.Manifest.ManifestParser;

namespace Pipeline.Core.Manifest;

/// <summary>Reads the <c>tables</c> section of a service.yaml.</summary>
internal static class TableReader
{
    /// <summary>DynamoDB allows 20 global secondary indexes per table by default.</summary>
    private const int MaxIndexes = 20;

    /// <summary>DynamoDB's ceiling for one table's provisioned units without a quota raise.</summary>
    private const long MaxUnits = 40_000;

    public static List<TableSpec>? ReadTables(YamlNodeReader reader, MappingReader service) =>
        service.OptionalList("tables", (node, path) => reader.Mapping(node, path) is { } map ? ReadTable(reader, map) : null, key: table => table.Name,
            repeats: (table, first) => $"'{table.Name}' is already declared by tables[{first}]", keyField: "name");

    private static TableSpec? ReadTable(YamlNodeReader reader, MappingReader map)
    {
        var name = Field(map, "name", required: true, (n, p) => reader.String(n, p, ManifestGrammar.TableNameRegex(), ManifestGrammar.TableNameRule));
        var keys = ReadKeySchema(reader, map);
        var indexes = ReadIndexes(reader, map);
        var capacity = ReadCapacity(reader, map);
        map.RejectUnknown();
        if (name is null || keys is null || indexes is null || capacity is null)
        {
            return null;
        }

        var table = new TableSpec(name, keys.Value.Partition, keys.Value.Sort, indexes, capacity);
        return CheckKeyTypes(reader, table, map) ? table : null;
    }

    /// <summary>DynamoDB defines each key attribute once, so every use must agree on its type.</summary>
    private static bool CheckKeyTypes(YamlNodeReader reader, TableSpec table, MappingReader map)
    {
        var ok = true;
        var types = new Dictionary<string, (AttributeType Type, string Where)>(StringComparer.Ordinal);
        void Check(KeyDefinition key, string where)
        {
            if (types.TryGetValue(key.Name, out var seen) && seen.Type != key.Type)
            {
                reader.Error(map.Node, $"{map.Path}.{where}.type",
                    $"attribute '{key.Name}' is {key.Type} here but {seen.Type} in {seen.Where}; a key attribute has one type");
                ok = false;
            }
            else
            {
                types.TryAdd(key.Name, (key.Type, where));
            }
        }

        Check(table.PartitionKey, "partitionKey");
        if (table.SortKey is not null)
        {
            Check(table.SortKey, "sortKey");
        }

        for (var i = 0; i < table.Indexes.Count; i++)
        {
            Check(table.Indexes[i].PartitionKey, $"indexes[{i}].partitionKey");
            if (table.Indexes[i].SortKey is not null)
            {
                Check(table.Indexes[i].SortKey!, $"indexes[{i}].sortKey");
            }
        }

        return ok;
    }

    /// <summary>What a table and each of its indexes are keyed by: a partition key and an optional sort key; null when either is bad.</summary>
    private static (KeyDefinition Partition, KeyDefinition? Sort)? ReadKeySchema(YamlNodeReader reader, MappingReader map)
    {
        var partition = ReadKey(reader, map, "partitionKey", required: true);
        var sortNode = map.Optional("sortKey");
        var sort = ReadKey(reader, map, "sortKey", required: false);
        return partition is null || (sortNode is not null && sort is null) ? null : (partition, sort);
    }

    private static KeyDefinition? ReadKey(YamlNodeReader reader, MappingReader parent, string field, bool required)
    {
        var node = required ? parent.Required(field) : parent.Optional(field);
        if (node is null)
        {
            return null;
        }

        var map = reader.Mapping(node, parent.Child(field));
        if (map is null)
        {
            return null;
        }

        var name = Field(map, "name", required: true, (n, p) => reader.String(n, p, ManifestGrammar.AttributeNameRegex(), ManifestGrammar.AttributeNameRule));
        var type = Field(map, "type", required: true, (n, p) => reader.Choice(n, p, "S", "N", "B"));
        map.RejectUnknown();
        return name is null || type is null ? null : new KeyDefinition(name, Enum.Parse<AttributeType>(type));
    }

    private static List<IndexSpec>? ReadIndexes(YamlNodeReader reader, MappingReader table)
    {
        var sequence = table.OptionalSequence("indexes");
        if (sequence is null)
        {
            return null;
        }

        if (sequence.Children.Count > MaxIndexes)
        {
            reader.Error(sequence, table.Child("indexes"), $"DynamoDB allows at most {MaxIndexes} global secondary indexes");
            return null;
        }

        return reader.Items(sequence, table.Child("indexes"), (node, path) => reader.Mapping(node, path) is { } map ? ReadIndex(reader, map) : null,
            key: index => index.Name, repeats: (index, _) => $"'{index.Name}' is declared twice", keyField: "name");
    }

    private static IndexSpec? ReadIndex(YamlNodeReader reader, MappingReader map)
    {
        var name = Field(map, "name", required: true, (n, p) => reader.String(n, p, ManifestGrammar.IndexNameRegex(), ManifestGrammar.IndexNameRule));
        var keys = ReadKeySchema(reader, map);
        var projectionNode = map.Optional("projection");
        var projection = projectionNode is null ? "ALL" : reader.Choice(projectionNode, map.Child("projection"), "ALL", "KEYS_ONLY");
        map.RejectUnknown();
        return name is null || keys is null || projection is null
            ? null
            : new IndexSpec(name, keys.Value.Partition, keys.Value.Sort, projection == "ALL" ? IndexProjection.All : IndexProjection.KeysOnly);
    }

    private static TableCapacity? ReadCapacity(YamlNodeReader reader, MappingReader table)
    {
        var node = table.Required("capacity");
        if (node is null)
        {
            return null;
        }

        var path = table.Child("capacity");
        if (node is YamlScalarNode)
        {
            return reader.Choice(node, path, "onDemand") is null ? null : TableCapacity.OnDemand;
        }

        if (node is not YamlMappingNode)
        {
            reader.Error(node, path, "must be onDemand or a mapping with read, write and targetUtilization");
            return null;
        }

        var map = reader.Mapping(node, path)!;
        var read = ReadRange(reader, map, "read");
        var write = ReadRange(reader, map, "write");
        var targetNode = map.Optional("targetUtilization");
        var target = targetNode is null ? 70 : reader.Int(targetNode, map.Child("targetUtilization"), 20, 90);
        map.RejectUnknown();
        return read is null || write is null || target is null
            ? null
            : new TableCapacity(new ProvisionedCapacity(read, write, target.Value));
    }

    private static CapacityRange? ReadRange(YamlNodeReader reader, MappingReader capacity, string field)
    {
        var node = capacity.Required(field);
        if (node is null)
        {
            return null;
        }

        var map = reader.Mapping(node, capacity.Child(field));
        if (map is null)
        {
            return null;
        }

        var min = Field(map, "min", required: true, (n, p) => reader.Integer(n, p, 1, MaxUnits));
        var maxNode = map.Optional("max");
        var max = Field(map, "max", required: true, (n, p) => reader.Integer(n, p, 1, MaxUnits));
        map.RejectUnknown();
        if (min is null || max is null)
        {
            return null;
        }

        if (max < min)
        {
            reader.Error(maxNode!, map.Child("max"), $"must be at least min ({min}), not {max}");
            return null;
        }

        return new CapacityRange(min.Value, max.Value);
    }
}
