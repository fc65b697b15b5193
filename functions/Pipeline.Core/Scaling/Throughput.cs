namespace Pipeline.Core.Scaling;

/// <summary>Provisioned read and write capacity units of a table or a global secondary index.</summary>
public readonly record struct Throughput(long Read, long Write)
{
    public bool IsDecreaseFrom(Throughput current) => Read < current.Read || Write < current.Write;

    public override string ToString() => $"{Read}R/{Write}W";
}
