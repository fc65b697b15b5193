namespace Pipeline.Local.Aws.CloudFormation;

/// <summary>The identity of a resource as the local stack names it.</summary>
/// <param name="LogicalId">The key under Resources.</param>
/// <param name="Type">The CloudFormation type, for example <c>AWS::S3::Bucket</c>.</param>
/// <param name="PhysicalName">The explicit name property when the template sets one, else the default local name.</param>
public sealed record ResourceIdentity(string LogicalId, string Type, string PhysicalName);

/// <summary>The stack's pseudo parameters.</summary>
public sealed record StackContext(
    string StackName = "pipeline",
    string Region = "us-east-1",
    string AccountId = "000000000000",
    string Partition = "aws")
{
    public static string UrlSuffix => "amazonaws.com";
}

/// <summary>
/// Maps resources to the values <c>!Ref</c> and <c>!GetAtt</c> give locally. The caller chooses
/// them (a bucket's !Ref is its s3rver bucket, a function's Arn is what the local Lambda service
/// answers to), so the template reader stays free of any knowledge of the running stack.
/// </summary>
public interface ILocalResourceValues
{
    /// <summary>The name a resource gets when its template declares none.</summary>
    string DefaultPhysicalName(string logicalId, string type);

    /// <summary>The value of <c>!Ref</c>, or null when this type has none locally.</summary>
    string? Ref(ResourceIdentity resource);

    /// <summary>The value of <c>!GetAtt</c>, or null when the attribute does not exist locally.</summary>
    string? GetAtt(ResourceIdentity resource, string attribute);
}
