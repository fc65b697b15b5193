namespace Pipeline.Testing.Iam;

/// <summary>
/// The IAM action an AWS API request needs, read off the request the way the service itself reads
/// it: JSON protocols name the operation in <c>X-Amz-Target</c> (DynamoDB), query protocols in
/// <c>Action=</c> (EC2), and S3's REST API in the method, path and query.
/// </summary>
public static class IamActions
{
    /// <summary>The actions one request needs; empty when the request is not an API call this knows.</summary>
    public static IReadOnlyList<string> Of(string service, string method, string pathAndQuery, Func<string, string?> header, string? formBody = null)
    {
        ArgumentNullException.ThrowIfNull(header);
        switch (service)
        {
            case "dynamodb":
                var target = header("X-Amz-Target");
                return target is null ? [] : [$"dynamodb:{target[(target.IndexOf('.', StringComparison.Ordinal) + 1)..]}"];
            case "ec2":
                var action = QueryValue(formBody ?? "", "Action") ?? QueryValue(Query(pathAndQuery), "Action");
                return action is null ? [] : [$"ec2:{action}"];
            case "s3":
                return S3(method, pathAndQuery, header);
            default:
                throw new ArgumentException($"no IAM mapping for service {service}", nameof(service));
        }
    }

    private static string[] S3(string method, string pathAndQuery, Func<string, string?> header)
    {
        // Path-style requests (how the SDK reaches an emulator): /bucket or /bucket/key...
        var path = pathAndQuery.Split('?')[0].Trim('/');
        var query = Query(pathAndQuery);
        var hasKey = path.Contains('/', StringComparison.Ordinal);
        return (method, hasKey) switch
        {
            ("GET" or "HEAD", true) => ["s3:GetObject"],
            ("PUT", true) when header("x-amz-copy-source") is not null => ["s3:PutObject", "s3:GetObject"],
            ("PUT", true) => ["s3:PutObject"],
            ("DELETE", true) => ["s3:DeleteObject"],
            ("GET", false) when query.Contains("location", StringComparison.Ordinal) => ["s3:GetBucketLocation"],
            ("GET", false) when query.Contains("versions", StringComparison.Ordinal) => ["s3:ListBucketVersions"],
            ("GET" or "HEAD", false) => ["s3:ListBucket"],
            ("PUT", false) => ["s3:CreateBucket"],
            _ => [$"s3:Unknown{method}"],
        };
    }

    private static string Query(string pathAndQuery)
    {
        var mark = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        return mark < 0 ? "" : pathAndQuery[(mark + 1)..];
    }

    private static string? QueryValue(string query, string name) => query.Split('&')
        .Select(p => p.Split('=', 2))
        .Where(p => p.Length == 2 && p[0] == name)
        .Select(p => Uri.UnescapeDataString(p[1]))
        .FirstOrDefault();
}
