using System.Text.Json.Serialization;

namespace Pipeline.Local.Aws.ELBv2;

/// <summary>A target as ELBv2 names it: an instance id (or IP address) and a port.</summary>
public sealed record TargetDescription(string Id, int? Port = null);

/// <summary>A target's health: State is initial, healthy, unhealthy, unused or draining.</summary>
public sealed record TargetHealth(string State, string? Reason = null, string? Description = null);

/// <summary>One entry of DescribeTargetHealth's answer.</summary>
public sealed record TargetHealthDescription(TargetDescription Target, string? HealthCheckPort, TargetHealth TargetHealth);

/// <summary>DescribeTargetHealth's answer.</summary>
public sealed record DescribeTargetHealthResponse(IReadOnlyList<TargetHealthDescription> TargetHealthDescriptions);

/// <summary>RegisterTargets and DeregisterTargets input.</summary>
public sealed record TargetsRequest(string TargetGroupArn, IReadOnlyList<TargetDescription> Targets);

/// <summary>DescribeTargetHealth input; without Targets it describes every registered target.</summary>
public sealed record DescribeTargetHealthRequest(string TargetGroupArn, IReadOnlyList<TargetDescription>? Targets = null);

/// <summary>
/// A target group's settings with ELB's defaults for an HTTP target group. Intervals are
/// TimeSpans so tests can run health checks faster than ELB's 5-second minimum.
/// </summary>
public sealed record TargetGroupSettings(string Name, int Port)
{
    public string HealthCheckPath { get; init; } = "/";

    public TimeSpan HealthCheckInterval { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan HealthCheckTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public int HealthyThresholdCount { get; init; } = 5;

    public int UnhealthyThresholdCount { get; init; } = 2;

    /// <summary>HTTP codes counted as healthy: "200", "200,202" or "200-299".</summary>
    public string Matcher { get; init; } = "200";

    public TimeSpan DeregistrationDelay { get; init; } = TimeSpan.FromSeconds(300);
}

/// <summary>A target group as DescribeTargetGroups reports it (the fields used locally).</summary>
public sealed record TargetGroupDescription(
    string TargetGroupArn, string TargetGroupName, string Protocol, int Port, string HealthCheckPath,
    int HealthCheckIntervalSeconds, int HealthCheckTimeoutSeconds, int HealthyThresholdCount, int UnhealthyThresholdCount,
    [property: JsonPropertyName("Matcher")] MatcherDescription Matcher);

/// <summary>ELBv2's Matcher object.</summary>
public sealed record MatcherDescription(string HttpCode);

/// <summary>ELBv2 errors, named as Step Functions' aws-sdk integration names them.</summary>
public sealed class ElasticLoadBalancingException(string exceptionName, string message) : PipelineException(message)
{
    public override string ErrorType => $"ElasticLoadBalancingV2.{exceptionName}";

    public static ElasticLoadBalancingException TargetGroupNotFound(string arn) =>
        new("TargetGroupNotFoundException", $"One or more target groups not found: {arn}");

    public static ElasticLoadBalancingException InvalidTarget(string message) => new("InvalidTargetException", message);

    public static ElasticLoadBalancingException Validation(string message) => new("ValidationException", message);
}
