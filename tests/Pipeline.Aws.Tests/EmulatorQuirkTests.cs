using System.IO.Hashing;
using System.Net.Http.Headers;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace Pipeline.Aws.Tests;

/// <summary>
/// Measured behaviour of the pinned emulators that the adapters are written around. When one of
/// these fails, the emulator changed: the workaround the test names may be obsolete.
/// </summary>
[Collection(EmulatorFixture.Collection)]
public sealed class EmulatorQuirkTests(EmulatorFixture emulators)
{
    /// <summary>
    /// dynalite answers TagResource with the JSON string <c>""</c> and that body's CRC32, where
    /// DynamoDB sends an empty body. The SDK does not read the body of a response without output
    /// members and checks x-amz-crc32 against the CRC of no bytes, so the call always fails.
    /// Workaround: DynamoDbTableAdmin tags tables in CreateTable and never calls TagResource.
    /// </summary>
    [Fact]
    public async Task TagResource_WhenDynaliteAnswers_ShouldSendAQuotedEmptyStringThatTheSdkRejectsAsACrcMismatch()
    {
        var arn = await CreateTableAsync();

        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, emulators.DynamoDbEndpoint)
        {
            Content = new StringContent($$"""{"ResourceArn":"{{arn}}","Tags":[{"Key":"k","Value":"v"}]}""", Encoding.UTF8),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-amz-json-1.0");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "DynamoDB_20120810.TagResource");
        // dynalite checks that a request is signed, not the signature.
        request.Headers.TryAddWithoutValidation("X-Amz-Date", "20260101T000000Z");
        request.Headers.TryAddWithoutValidation("Authorization",
            "AWS4-HMAC-SHA256 Credential=k/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0");
        using var raw = await http.SendAsync(request);
        var body = await raw.Content.ReadAsByteArrayAsync();

        Assert.Equal(200, (int)raw.StatusCode);
        Assert.Equal("\"\"", Encoding.UTF8.GetString(body));
        Assert.Equal(Crc32.HashToUInt32(body).ToString(System.Globalization.CultureInfo.InvariantCulture),
            raw.Headers.GetValues("x-amz-crc32").Single());

        using var sdk = new AmazonDynamoDBClient(new BasicAWSCredentials("S3RVER", "S3RVER"), new AmazonDynamoDBConfig
        {
            ServiceURL = emulators.DynamoDbEndpoint.ToString(),
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
        });
        var error = await Assert.ThrowsAsync<IOException>(() =>
            sdk.TagResourceAsync(new TagResourceRequest { ResourceArn = arn, Tags = [new Tag { Key = "k", Value = "v" }] }));
        Assert.Contains("CRC value returned with response does not match", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Locally the pipeline's tables carry no tags: ownership lives in the registry, not in tags.</summary>
    [Fact]
    public async Task CreateTable_WhenGivenTags_ShouldBeAcceptedByDynaliteButNotKeepThem()
    {
        var arn = await CreateTableAsync(new Tag { Key = "pipeline:service", Value = "orders" });

        var tags = await emulators.DynamoDb.ListTagsOfResourceAsync(new ListTagsOfResourceRequest { ResourceArn = arn });

        Assert.Empty(tags.Tags ?? []);
    }

    private async Task<string> CreateTableAsync(params Tag[] tags)
    {
        var name = EmulatorFixture.UniqueName("quirk");
        await emulators.CreateTableAsync(new CreateTableRequest
        {
            TableName = name,
            KeySchema = [new KeySchemaElement("id", KeyType.HASH)],
            AttributeDefinitions = [new AttributeDefinition("id", ScalarAttributeType.S)],
            BillingMode = BillingMode.PAY_PER_REQUEST,
            Tags = tags.Length > 0 ? [.. tags] : null,
        });
        return (await emulators.DynamoDb.DescribeTableAsync(name)).Table.TableArn;
    }
}
