using Amazon.Runtime;
using Amazon.S3;
using Pipeline.Aws.Routing;
using Pipeline.Hosting;
using Pipeline.RouterAgent;

if (!AgentArguments.TryParse(() => AgentOptions.Parse(args, Environment.GetEnvironmentVariable), out var options))
{
    return 2;
}

void Log(string message) => Console.Error.WriteLine($"{DateTimeOffset.UtcNow:O} pipeline-router-agent[{options.Node}]: {message}");

using var stop = new StopSignals();

var s3Config = new AmazonS3Config
{
    RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region),
    RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
    ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
};
if (options.S3Endpoint is not null)
{
    s3Config.ServiceURL = options.S3Endpoint.ToString();
    s3Config.ForcePathStyle = true;
    s3Config.AuthenticationRegion = options.Region;
}

using var s3 = new AmazonS3Client(s3Config);
var feed = new S3RoutesStore(s3, options.Bucket);
await using var haproxy = new Haproxy(options, Log);
var agent = new RouterAgent(options, feed, haproxy, TimeProvider.System, Log);
await using var readiness = options.ReadyPort > 0 ? new ReadinessEndpoint(options.ReadyPort, () => agent.Ready, () => agent.Applied?.Version) : null;
readiness?.Start(stop.Token);
Log($"polling s3://{options.Bucket}/routes/haproxy/current.json every {options.PollInterval.TotalMilliseconds} ms; config {options.ConfigPath}");

while (!stop.IsCancellationRequested)
{
    try
    {
        await haproxy.EnsureRunningAsync(stop.Token);
        // Every poll leaves a report, changed or not: the pipeline counts only routers heard from lately.
        await agent.TickAsync(stop.Token);
    }
    catch (OperationCanceledException) when (stop.IsCancellationRequested)
    {
        break;
    }
    catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
    {
        // S3 unreachable, an object read while it was being written, haproxy restarting: whatever
        // it was, the running config keeps serving and the next poll tries again.
        Log("poll failed, will retry: " + e.Message);
    }

    // The next poll, or sooner if haproxy's master dies: the held listening socket queues connections
    // until a new master accepts them, so the restart must not wait for the poll.
    using (var wait = CancellationTokenSource.CreateLinkedTokenSource(stop.Token))
    {
        await Task.WhenAny(Task.Delay(options.PollInterval, wait.Token), haproxy.MasterExitedAsync(wait.Token));
        await wait.CancelAsync();
    }

    if (stop.IsCancellationRequested)
    {
        break;
    }
}

Log("stopping");
return 0;
