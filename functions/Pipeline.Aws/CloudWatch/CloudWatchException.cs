namespace Pipeline.Aws.CloudWatch;

/// <summary>An error CloudWatch returned, with its error code (e.g. <c>InvalidNextToken</c>).</summary>
public sealed class CloudWatchException(AwsJsonError error) : AwsJsonException("CloudWatch", error);
