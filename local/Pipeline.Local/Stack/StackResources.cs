using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Pipeline.Local.Aws.CloudFormation;

namespace Pipeline.Local.Stack;

/// <summary>
/// Creates the tables and buckets template.yaml declares in the emulators, as CloudFormation would on
/// AWS. Existing ones are left alone: a restart keeps what is stored.
/// </summary>
internal sealed class StackResources(IAmazonDynamoDB dynamo, IAmazonS3 s3)
{
    public static (AmazonDynamoDBClient Dynamo, AmazonS3Client S3) Clients(int dynamoPort, int s3Port, string region)
    {
        var credentials = new BasicAWSCredentials(LocalCredentials.AccessKey, LocalCredentials.SecretKey);
        var dynamo = new AmazonDynamoDBClient(credentials, new AmazonDynamoDBConfig
        {
            ServiceURL = $"http://127.0.0.1:{dynamoPort}",
            AuthenticationRegion = region,
        });
        var s3 = new AmazonS3Client(credentials, new AmazonS3Config
        {
            ServiceURL = $"http://127.0.0.1:{s3Port}",
            AuthenticationRegion = region,
            ForcePathStyle = true,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });
        return (dynamo, s3);
    }

    public async Task<IReadOnlyList<string>> CreateAsync(SamTemplate template, CancellationToken cancellationToken)
    {
        var created = new List<string>();
        var existingTables = (await dynamo.ListTablesAsync(new ListTablesRequest(), cancellationToken)).TableNames ?? [];
        foreach (var table in template.Tables)
        {
            if (!existingTables.Contains(table.Name))
            {
                await dynamo.CreateTableAsync(TableRequest(table), cancellationToken);
                created.Add($"table {table.Name}");
            }
        }

        var existingBuckets = (await s3.ListBucketsAsync(new ListBucketsRequest(), cancellationToken)).Buckets?.Select(b => b.BucketName).ToHashSet()
            ?? [];
        foreach (var bucket in template.Buckets)
        {
            if (!existingBuckets.Contains(bucket.Name))
            {
                await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket.Name }, cancellationToken);
                created.Add($"bucket {bucket.Name}");
            }
        }

        return created;
    }

    internal static CreateTableRequest TableRequest(Pipeline.Local.Aws.CloudFormation.TableDescription table)
    {
        var p = table.Properties;
        var path = $"Resources.{table.LogicalId}.Properties";
        var request = new CreateTableRequest
        {
            TableName = table.Name,
            AttributeDefinitions = [.. Items(p, "AttributeDefinitions", path).Select(a => new AttributeDefinition(
                Text(a, "AttributeName", path), new ScalarAttributeType(Text(a, "AttributeType", path))))],
            KeySchema = KeySchema(p["KeySchema"], $"{path}.KeySchema"),
            BillingMode = new BillingMode((p["BillingMode"] as JsonValue)?.GetValue<string>() ?? "PROVISIONED"),
        };
        if (request.BillingMode == BillingMode.PROVISIONED)
        {
            request.ProvisionedThroughput = Throughput(p["ProvisionedThroughput"], $"{path}.ProvisionedThroughput");
        }

        var indexes = p["GlobalSecondaryIndexes"] as JsonArray ?? [];
        if (indexes.Count > 0)
        {
            request.GlobalSecondaryIndexes = [.. indexes.OfType<JsonObject>().Select((g, i) => new GlobalSecondaryIndex
            {
                IndexName = Text(g, "IndexName", $"{path}.GlobalSecondaryIndexes[{i}]"),
                KeySchema = KeySchema(g["KeySchema"], $"{path}.GlobalSecondaryIndexes[{i}].KeySchema"),
                Projection = new Projection
                {
                    ProjectionType = new ProjectionType((g["Projection"]?["ProjectionType"] as JsonValue)?.GetValue<string>() ?? "ALL"),
                },
                ProvisionedThroughput = request.BillingMode == BillingMode.PROVISIONED
                    ? Throughput(g["ProvisionedThroughput"], $"{path}.GlobalSecondaryIndexes[{i}].ProvisionedThroughput")
                    : null,
            })];
        }

        return request;
    }

    private static List<KeySchemaElement> KeySchema(JsonNode? node, string path) =>
        node is JsonArray keys && keys.Count > 0
            ? [.. keys.OfType<JsonObject>().Select(k => new KeySchemaElement(Text(k, "AttributeName", path), new KeyType(Text(k, "KeyType", path))))]
            : throw new TemplateInvalidException($"{path}: required, a list of AttributeName/KeyType");

    private static ProvisionedThroughput Throughput(JsonNode? node, string path) => node is JsonObject t
        ? new ProvisionedThroughput(Number(t, "ReadCapacityUnits", path), Number(t, "WriteCapacityUnits", path))
        : throw new TemplateInvalidException($"{path}: required when BillingMode is PROVISIONED");

    private static IEnumerable<JsonObject> Items(JsonObject properties, string name, string path) =>
        properties[name] as JsonArray is { } items ? items.OfType<JsonObject>()
            : throw new TemplateInvalidException($"{path}.{name}: required");

    private static string Text(JsonObject o, string name, string path) =>
        (o[name] as JsonValue)?.ToString() is { Length: > 0 } text ? text : throw new TemplateInvalidException($"{path}: {name} is required");

    private static long Number(JsonObject o, string name, string path) =>
        long.TryParse(o[name]?.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n
            : throw new TemplateInvalidException($"{path}.{name}: must be a positive whole number");
}

/// <summary>s3rver's built-in key pair (it refuses any other); dynalite accepts any signed request.</summary>
internal static class LocalCredentials
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";
}
