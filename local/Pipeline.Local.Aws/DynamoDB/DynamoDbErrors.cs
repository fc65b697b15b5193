namespace Pipeline.Local.Aws.DynamoDB;

/// <summary>DynamoDB's own error documents (AWS JSON 1.0), so SDK clients map them to their exception types.</summary>
internal static class DynamoDbErrors
{
    public const string ContentType = "application/x-amz-json-1.0";

    public static string ThroughputExceeded(string table) => Body(
        "ProvisionedThroughputExceededException",
        $"The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API. (table {table})");

    public static string DecreaseLimit(string name, int decreasesToday, DateTimeOffset? last) => Body(
        "LimitExceededException",
        $"Subscriber limit exceeded: Provisioned throughput decreases are limited within a given UTC day. After the first 4 decreases, each subsequent decrease in the same UTC day can be performed at most once every 3600 seconds. Number of decreases today: {decreasesToday}. Last decrease at {last:O}. ({name})");

    private static string Body(string type, string message) =>
        new JsonObject { ["__type"] = $"com.amazonaws.dynamodb.v20120810#{type}", ["message"] = message }.ToJsonString();
}
