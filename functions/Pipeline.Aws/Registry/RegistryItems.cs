using Amazon.DynamoDBv2.Model;

namespace Pipeline.Aws.Registry;

/// <summary>Keys and item mapping of the registry table; the layout is described in README.md beside this file.</summary>
internal static class RegistryItems
{
    public const string Pk = "pk";
    public const string Sk = "sk";
    public const string ServicesPartition = "SERVICES";
    public const string TablesPartition = "TABLES";
    public const string RoutesPartition = "ROUTES";
    public const string CounterSort = "COUNTER";
    public const string LockSort = "LOCK";
    public const string VersionPrefix = "VERSION#";

    public static Dictionary<string, AttributeValue> Key(string pk, string sk) => new()
    {
        [Pk] = S(pk),
        [Sk] = S(sk),
    };

    public static string ServicePartition(string service) => $"SERVICE#{service}";

    public static string LockPartition(string name) => $"LOCK#{name}";

    public static string ArtifactPartition(string key) => $"ARTIFACT#{key}";

    public const string CopySort = "COPY";

    /// <summary>Zero-padded so the sort key orders versions by count.</summary>
    public static string VersionSort(long count) => VersionPrefix + count.ToString("D12", CultureInfo.InvariantCulture);

    public static AttributeValue S(string value) => new() { S = value };

    public static AttributeValue N(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    public static AttributeValue Time(DateTimeOffset value) => S(value.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));

    public static string Str(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.S is not null ? value.S : throw Missing(name);

    public static string? OptStr(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) ? value.S : null;

    public static long Num(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.N is not null
            ? long.Parse(value.N, CultureInfo.InvariantCulture)
            : throw Missing(name);

    public static DateTimeOffset When(Dictionary<string, AttributeValue> item, string name) =>
        DateTimeOffset.Parse(Str(item, name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public static Dictionary<string, AttributeValue> ToItem(VersionRecord v)
    {
        var item = VersionItem(v);
        if (v.ArtifactSha256 is not null)
        {
            item["artifactSha256"] = S(v.ArtifactSha256);
        }

        if (v.ArtifactVersionId is not null)
        {
            item["artifactVersionId"] = S(v.ArtifactVersionId);
        }

        return item;
    }

    private static Dictionary<string, AttributeValue> VersionItem(VersionRecord v) => new()
    {
        [Pk] = S(ServicePartition(v.Service)),
        [Sk] = S(VersionSort(v.Count)),
        ["service"] = S(v.Service),
        ["label"] = S(v.Label),
        ["count"] = N(v.Count),
        ["commit"] = S(v.Commit),
        ["artifactKey"] = S(v.ArtifactKey),
        ["manifestKey"] = S(v.ManifestKey),
        ["manifestHash"] = S(v.ManifestHash),
        ["manifestYaml"] = S(v.ManifestYaml),
        ["executionId"] = S(v.ExecutionId),
        ["recordedAt"] = Time(v.RecordedAt),
        ["status"] = S(v.Status.ToString()),
        ["statusChangedAt"] = Time(v.StatusChangedAt),
    };

    public static VersionRecord ToVersion(Dictionary<string, AttributeValue> item) => new(new VersionIdentity(
        Str(item, "service"), Str(item, "label"), Num(item, "count"), Str(item, "commit"),
        Str(item, "artifactKey"), Str(item, "manifestKey"), Str(item, "manifestHash")))
    {
        ManifestYaml = Str(item, "manifestYaml"),
        ExecutionId = Str(item, "executionId"),
        RecordedAt = When(item, "recordedAt"),
        Status = Enum.Parse<VersionStatus>(Str(item, "status")),
        StatusChangedAt = When(item, "statusChangedAt"),
        ArtifactSha256 = OptStr(item, "artifactSha256"),
        ArtifactVersionId = OptStr(item, "artifactVersionId"),
    };

    public static ServiceRecord ToService(Dictionary<string, AttributeValue> item) => new(
        Str(item, Sk), Str(item, "manifestYaml"), Str(item, "manifestHash"), Str(item, "latestLabel"),
        Num(item, "latestCount"), OptStr(item, "liveLabel"), When(item, "updatedAt"));

    public static Dictionary<string, AttributeValue> ToItem(OwnedTable t) => new()
    {
        [Pk] = S(TablesPartition),
        [Sk] = S(t.TableName),
        ["service"] = S(t.Service),
        ["logicalName"] = S(t.LogicalName),
        ["indexes"] = new AttributeValue { L = t.Indexes.Select(S).ToList() },
        ["onDemand"] = new AttributeValue { BOOL = t.OnDemand },
        ["minRead"] = N(t.MinRead),
        ["maxRead"] = N(t.MaxRead),
        ["minWrite"] = N(t.MinWrite),
        ["maxWrite"] = N(t.MaxWrite),
        ["targetUtilization"] = N(t.TargetUtilization),
    };

    public static OwnedTable ToOwnedTable(Dictionary<string, AttributeValue> item) => new(
        Str(item, Sk), Str(item, "service"), Str(item, "logicalName"),
        (item["indexes"].L ?? []).Select(v => v.S).ToList(), item["onDemand"].BOOL == true,
        Num(item, "minRead"), Num(item, "maxRead"), Num(item, "minWrite"), Num(item, "maxWrite"),
        (int)Num(item, "targetUtilization"));

    public static LockLease ToLease(Dictionary<string, AttributeValue> item) => new(
        Str(item, "name"), Str(item, "owner"), When(item, "acquiredAt"),
        DateTimeOffset.FromUnixTimeMilliseconds(Num(item, "expiresAt")), OptStr(item, "takenOverFrom"));

    private static InvalidDataException Missing(string name) =>
        new($"Registry item has no usable '{name}' attribute.");
}
