namespace Pipeline.Core.Manifest;

/// <summary>A DynamoDB table a service declares. Its physical name is <see cref="PhysicalName"/>.</summary>
/// <param name="Name">Logical name within the service: lower-case letters, digits and '-'.</param>
/// <param name="PartitionKey">The table's partition (hash) key.</param>
/// <param name="SortKey">The table's sort (range) key, if any.</param>
/// <param name="Indexes">Global secondary indexes; they share the table's capacity bounds.</param>
/// <param name="Capacity">On-demand, or provisioned bounds the scaler keeps throughput within.</param>
public sealed record TableSpec(
    string Name,
    KeyDefinition PartitionKey,
    KeyDefinition? SortKey,
    IReadOnlyList<IndexSpec> Indexes,
    TableCapacity Capacity)
{
    /// <summary><c>&lt;prefix&gt;-&lt;service&gt;-&lt;table&gt;</c>: the name the table has in DynamoDB.</summary>
    /// <summary>
    /// <c>&lt;prefix&gt;.&lt;service&gt;.&lt;table&gt;</c>. Prefixes (the stack name by default) and
    /// service names never contain a dot, so <c>table/&lt;prefix&gt;.*</c> in IAM matches one stack's
    /// tables and nothing else: not a stack whose name extends this one, not the registry.
    /// </summary>
    public static string PhysicalName(string prefix, string service, string table) => $"{prefix}.{service}.{table}";

    /// <summary>Every key attribute of the table and its indexes with its type, as DynamoDB wants them defined.</summary>
    public IReadOnlyDictionary<string, AttributeType> KeyAttributes()
    {
        var attributes = new Dictionary<string, AttributeType>(StringComparer.Ordinal);
        foreach (var key in Keys())
        {
            attributes.TryAdd(key.Name, key.Type);
        }

        return attributes;
    }

    private IEnumerable<KeyDefinition> Keys()
    {
        yield return PartitionKey;
        if (SortKey is not null)
        {
            yield return SortKey;
        }

        foreach (var index in Indexes)
        {
            yield return index.PartitionKey;
            if (index.SortKey is not null)
            {
                yield return index.SortKey;
            }
        }
    }
}

/// <summary>A global secondary index.</summary>
/// <param name="Projection">Attributes copied into the index: all of them (default) or the keys only.</param>
public sealed record IndexSpec(string Name, KeyDefinition PartitionKey, KeyDefinition? SortKey, IndexProjection Projection);

public sealed record KeyDefinition(string Name, AttributeType Type)
{
    public override string ToString() => $"{Name} ({Type})";
}

/// <summary>DynamoDB scalar key types: string, number, binary.</summary>
public enum AttributeType
{
    S,
    N,
    B,
}

public enum IndexProjection
{
    All,
    KeysOnly,
}

/// <summary>
/// A table's capacity: on demand (<see cref="Provisioned"/> is null) or provisioned between bounds,
/// with the utilisation the scaler aims for.
/// </summary>
public sealed record TableCapacity(ProvisionedCapacity? Provisioned)
{
    public static TableCapacity OnDemand { get; } = new((ProvisionedCapacity?)null);

    public bool IsOnDemand => Provisioned is null;
}

/// <param name="Read">Read capacity units: the scaler stays within [min, max].</param>
/// <param name="Write">Write capacity units: the scaler stays within [min, max].</param>
/// <param name="TargetUtilization">Percent of provisioned capacity the scaler aims for (20-90, default 70).</param>
public sealed record ProvisionedCapacity(CapacityRange Read, CapacityRange Write, int TargetUtilization);

/// <summary>Capacity units from <paramref name="Min"/> to <paramref name="Max"/> inclusive; 1 &lt;= Min &lt;= Max.</summary>
public sealed record CapacityRange(long Min, long Max)
{
    public long Clamp(long value) => Math.Clamp(value, Min, Max);
}
