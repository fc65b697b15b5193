using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Pipeline.StateMachines.Tests.Execution;

/// <summary>
/// Step Functions' DescribeExecution for the harness's executions, which the engine runs directly:
/// the DeployLock function asks it (through AWS_ENDPOINT_URL_SFN) whether a lock's holder still runs.
/// An execution it was never told about does not exist, as on AWS.
/// </summary>
internal sealed class DescribeExecutionDouble : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, string> _statuses = new();
    private LoopbackServer? _app;

    public Uri Endpoint { get; private set; } = null!;

    public void Set(string executionArn, string status) => _statuses[executionArn] = status;

    public async Task StartAsync()
    {
        _app = await LoopbackServer.StartAsync(app => app.MapPost("/", async (HttpContext http) =>
        {
            var request = await JsonNode.ParseAsync(http.Request.Body);
            var arn = (string?)request?["executionArn"] ?? "";
            http.Response.ContentType = "application/x-amz-json-1.0";
            if (http.Request.Headers["X-Amz-Target"] != "AWSStepFunctions.DescribeExecution" || !_statuses.TryGetValue(arn, out var status))
            {
                http.Response.StatusCode = 400;
                await http.Response.WriteAsync(new JsonObject { ["__type"] = "ExecutionDoesNotExist", ["message"] = $"Execution Does Not Exist: '{arn}'" }.ToJsonString());
                return;
            }

            await http.Response.WriteAsync(new JsonObject
            {
                ["executionArn"] = arn,
                ["status"] = status,
                ["startDate"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            }.ToJsonString());
        }));
        Endpoint = _app.BaseAddress;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
