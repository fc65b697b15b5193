namespace Pipeline.Local.Aws.ELBv2;

/// <summary>DescribeTargetGroups input: by names or ARNs, or neither for all.</summary>
public sealed record DescribeTargetGroupsRequest(IReadOnlyList<string>? Names = null, IReadOnlyList<string>? TargetGroupArns = null);

/// <summary>A target group attribute as ELB names it.</summary>
public sealed record TargetGroupAttributeItem(string Key, string Value)
{
    public const string DeregistrationDelay = "deregistration_delay.timeout_seconds";
}

/// <summary>ModifyTargetGroupAttributes input.</summary>
public sealed record ModifyTargetGroupAttributesRequest(string TargetGroupArn, IReadOnlyList<TargetGroupAttributeItem>? Attributes);

/// <summary>DeleteTargetGroup input.</summary>
public sealed record DeleteTargetGroupRequest(string TargetGroupArn);

/// <summary>An ELB resource tag.</summary>
public sealed record TagItem(string Key, string? Value);

/// <summary>
/// CreateTargetGroup input with ELB's defaults. VpcId and TargetType are accepted and have no
/// local meaning: every target is a loopback address and port. Tags are checked as ELB checks them
/// (at most 50, keys 1-128 characters not starting with <c>aws:</c>, values up to 256).
/// </summary>
public sealed record CreateTargetGroupRequest(
    string Name,
    string? Protocol = "HTTP",
    int? Port = null,
    string? VpcId = null,
    string? TargetType = "instance",
    string? HealthCheckProtocol = "HTTP",
    string? HealthCheckPath = "/",
    int? HealthCheckIntervalSeconds = 30,
    int? HealthCheckTimeoutSeconds = 5,
    int? HealthyThresholdCount = 5,
    int? UnhealthyThresholdCount = 2,
    MatcherDescription? Matcher = null,
    IReadOnlyList<TagItem>? Tags = null)
{
    private const int MaxNameLength = 32;

    public TargetGroupSettings ToSettings(TimeSpan? deregistrationDelay)
    {
        if (string.IsNullOrEmpty(Name) || Name.Length > MaxNameLength || Name.StartsWith('-') || Name.EndsWith('-')
            || !Name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            throw ElasticLoadBalancingException.Validation(
                $"Name: '{Name}' must be 1-32 letters, digits or hyphens, not starting or ending with a hyphen");
        }

        if (Protocol is not (null or "HTTP") || HealthCheckProtocol is not (null or "HTTP"))
        {
            throw ElasticLoadBalancingException.Validation("Protocol and HealthCheckProtocol: only HTTP is served locally");
        }

        var tags = Tags ?? [];
        if (tags.Count > 50 || tags.Any(t => string.IsNullOrEmpty(t.Key) || t.Key.Length > 128
                || t.Key.StartsWith("aws:", StringComparison.Ordinal) || (t.Value?.Length ?? 0) > 256)
            || tags.Select(t => t.Key).Distinct(StringComparer.Ordinal).Count() != tags.Count)
        {
            throw ElasticLoadBalancingException.Validation(
                "Tags: at most 50, each key 1-128 characters, unique and not starting with 'aws:', each value at most 256");
        }

        if (Port is not { } port || port is < 1 or > 65535)
        {
            throw ElasticLoadBalancingException.Validation("Port: required, 1-65535");
        }

        return new TargetGroupSettings(Name, port)
        {
            HealthCheckPath = HealthCheckPath ?? "/",
            HealthCheckInterval = TimeSpan.FromSeconds(HealthCheckIntervalSeconds ?? 30),
            HealthCheckTimeout = TimeSpan.FromSeconds(HealthCheckTimeoutSeconds ?? 5),
            HealthyThresholdCount = HealthyThresholdCount ?? 5,
            UnhealthyThresholdCount = UnhealthyThresholdCount ?? 2,
            Matcher = Matcher?.HttpCode ?? "200",
            DeregistrationDelay = deregistrationDelay ?? TimeSpan.FromSeconds(300),
        };
    }
}
