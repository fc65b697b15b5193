using Pipeline.Aws.CloudWatch;

namespace Pipeline.Local.Aws.DynamoDB;

/// <summary>Settings of a <see cref="MeteringProxy"/>.</summary>
/// <param name="BurstSeconds">Unused capacity a table may bank, in seconds of its provisioned rate (DynamoDB: 300).</param>
/// <param name="Clock">Time source for metering, throttling and the decrease quota.</param>
public sealed record MeteringOptions(int BurstSeconds = 300, TimeProvider? Clock = null);

/// <summary>
/// The local stand-in for DynamoDB's throughput enforcement and for CloudWatch's DynamoDB metrics,
/// in front of dynalite. One loopback endpoint serves both APIs (told apart by X-Amz-Target), so
/// the same SDK client and the same CloudWatch client work unchanged: point
/// <c>AWS_ENDPOINT_URL_DYNAMODB</c> and <c>AWS_ENDPOINT_URL_CLOUDWATCH</c> at <see cref="Endpoint"/>.
/// </summary>
/// <example>
/// <code>
/// await using var proxy = await MeteringProxy.StartAsync(dynaliteEndpoint);
/// var client = new AmazonDynamoDBClient(new AmazonDynamoDBConfig { ServiceURL = proxy.Endpoint.ToString() });
/// </code>
/// </example>
public sealed class MeteringProxy : IAsyncDisposable
{
    private readonly LoopbackServer _server;
    private readonly HttpClient _upstream;

    private MeteringProxy(LoopbackServer server, HttpClient upstream, UsageMeter meter)
    {
        _server = server;
        _upstream = upstream;
        Meter = meter;
    }

    /// <summary>http://127.0.0.1:port/ serving the DynamoDB API and CloudWatch GetMetricData.</summary>
    public Uri Endpoint => _server.BaseAddress;

    /// <summary>What was measured so far.</summary>
    public UsageMeter Meter { get; }

    /// <summary>Starts the proxy on a free loopback port in front of the DynamoDB endpoint <paramref name="dynamoDb"/>.</summary>
    public static async Task<MeteringProxy> StartAsync(Uri dynamoDb, MeteringOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dynamoDb);
        options ??= new MeteringOptions();
        var clock = options.Clock ?? TimeProvider.System;
        var meter = new UsageMeter();
        var upstream = new HttpClient();
        var proxy = new DynamoDbProxy(upstream, dynamoDb, new CapacityLedger(options.BurstSeconds, clock), meter, clock);
        var metrics = new MetricDataEndpoint(meter);

        var server = await LoopbackServer.StartAsync(app => app.MapPost("/", async (HttpContext context) =>
        {
            var target = context.Request.Headers["X-Amz-Target"].ToString();
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            Reply reply;
            if (target == $"{CloudWatchClient.TargetPrefix}.GetMetricData")
            {
                var (status, json, queryError) = metrics.Handle(body);
                reply = new Reply(status, json, CloudWatchClient.ContentType, queryError);
            }
            else
            {
                reply = await proxy.HandleAsync(target, body, Passed(context.Request), context.RequestAborted);
            }

            context.Response.StatusCode = reply.Status;
            context.Response.ContentType = reply.ContentType;
            if (reply.QueryError is not null)
            {
                context.Response.Headers["x-amzn-query-error"] = reply.QueryError;
            }

            await context.Response.WriteAsync(reply.Body, context.RequestAborted);
        }), cancellationToken: cancellationToken);
        return new MeteringProxy(server, upstream, meter);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _upstream.Dispose();
    }

    // dynalite checks that a request is signed, not the signature: pass the auth headers through.
    private static Dictionary<string, string> Passed(HttpRequest request)
    {
        var headers = new Dictionary<string, string>();
        foreach (var name in new[] { "Authorization", "X-Amz-Date", "X-Amz-Security-Token" })
        {
            if (request.Headers.TryGetValue(name, out var value))
            {
                headers[name] = value.ToString();
            }
        }

        return headers;
    }
}
