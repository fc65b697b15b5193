using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.S3;
using Pipeline.Aws.Registry;
using Pipeline.Aws.SecretsManager;
using Pipeline.Aws.StepFunctions;

namespace Pipeline.Aws;

/// <summary>
/// SDK clients configured from the environment, the same way on AWS and locally. On AWS nothing is
/// set and the SDK resolves region and credentials itself. Locally the standard
/// <c>AWS_ENDPOINT_URL_DYNAMODB</c> / <c>AWS_ENDPOINT_URL_S3</c> variables point at the emulators,
/// and an S3 endpoint override also switches on what S3 emulators need: path-style addressing and
/// checksums only where required. <c>AWS_ENDPOINT_URL_CLOUDWATCH</c> points CloudWatch at the
/// metering proxy, and <c>AWS_ENDPOINT_URL_SFN</c> Step Functions at the local stack's API.
/// </summary>
public static class AwsClients
{
    public const string DynamoDbEndpointVariable = "AWS_ENDPOINT_URL_DYNAMODB";
    public const string S3EndpointVariable = "AWS_ENDPOINT_URL_S3";

    /// <summary>Where the CloudWatch client (GetMetricData) sends requests; locally the metering proxy.</summary>
    public const string CloudWatchEndpointVariable = "AWS_ENDPOINT_URL_CLOUDWATCH";

    /// <summary>
    /// The HTTP client a function's small JSON clients (and GitHub's) share: one per process, so connections
    /// are reused across invocations, and 10 s a request, so a stuck endpoint fails the call well before the function's timeout.
    /// </summary>
    public static HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static AmazonDynamoDBClient DynamoDb()
    {
        var config = new AmazonDynamoDBConfig();
        if (Endpoint(DynamoDbEndpointVariable) is { } endpoint)
        {
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = Region();
        }

        return new AmazonDynamoDBClient(config);
    }

    /// <summary>The registry table every deploy function reads, over its own DynamoDB client.</summary>
    public static DynamoDbRegistry Registry(string table) => new(DynamoDb(), table);

    public static AmazonS3Client S3()
    {
        var config = new AmazonS3Config();
        if (Endpoint(S3EndpointVariable) is { } endpoint)
        {
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = Region();
            config.ForcePathStyle = true;
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
        }

        return new AmazonS3Client(config);
    }

    /// <summary>Our GetMetricData client (there is no AWSSDK.CloudWatch here), signed for the function's region.</summary>
    public static CloudWatchClient CloudWatch(HttpClient http) =>
        new(CloudWatchClient.Service.At(http, Region(), Endpoint(CloudWatchEndpointVariable) is { } endpoint ? new Uri(endpoint) : null));

    /// <summary>Where the Step Functions client (DescribeExecution) sends requests; the name the AWS SDKs use.</summary>
    public const string StepFunctionsEndpointVariable = "AWS_ENDPOINT_URL_SFN";

    /// <summary>Our DescribeExecution client (there is no AWSSDK.StepFunctions here), signed for the function's region.</summary>
    public static StepFunctionsClient StepFunctions(HttpClient? http = null) =>
        new(StepFunctionsClient.Service.At(http ?? Http, Region(), Endpoint(StepFunctionsEndpointVariable) is { } endpoint ? new Uri(endpoint) : null));

    /// <summary>Where the Secrets Manager client (GetSecretValue) sends requests; the name the AWS SDKs use.</summary>
    public const string SecretsManagerEndpointVariable = "AWS_ENDPOINT_URL_SECRETS_MANAGER";

    /// <summary>Our GetSecretValue client (there is no AWSSDK.SecretsManager here), signed for the function's region.</summary>
    public static SecretsManagerClient SecretsManager(HttpClient? http = null) =>
        new(SecretsManagerClient.Service.At(http ?? Http, Region(), Endpoint(SecretsManagerEndpointVariable) is { } endpoint ? new Uri(endpoint) : null));

    private static string? Endpoint(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value : null;

    private static string Region() =>
        Environment.GetEnvironmentVariable("AWS_REGION") is { Length: > 0 } region ? region : "us-east-1";
}
