using System.Text.Json.Nodes;
using Amazon.Runtime;

namespace Pipeline.Aws.StepFunctions;

/// <summary>
/// The read side of the Step Functions API a console needs (ListStateMachines, DescribeStateMachine,
/// ListExecutions, DescribeExecution, GetExecutionHistory), over the same signed AWS JSON 1.0 requests
/// as <see cref="StepFunctionsClient"/>. Answers stay JSON: a history event has a detail shape per
/// event type, and the dashboard passes most of them through.
/// </summary>
public sealed class StepFunctionsReader(HttpClient http, Uri endpoint, string region, Func<CancellationToken, Task<ImmutableCredentials>> credentials)
{
    private readonly AwsJsonRequests _endpoint = StepFunctionsClient.Service.At(http, region, endpoint, credentials);

    public async Task<IReadOnlyList<JsonObject>> ListStateMachinesAsync(CancellationToken cancellationToken) =>
        await PagesAsync("ListStateMachines", [], "stateMachines", cancellationToken);

    public Task<JsonObject> DescribeStateMachineAsync(string stateMachineArn, CancellationToken cancellationToken) =>
        CallAsync("DescribeStateMachine", new JsonObject { ["stateMachineArn"] = stateMachineArn }, cancellationToken);

    public async Task<IReadOnlyList<JsonObject>> ListExecutionsAsync(string stateMachineArn, CancellationToken cancellationToken) =>
        await PagesAsync("ListExecutions", new JsonObject { ["stateMachineArn"] = stateMachineArn }, "executions", cancellationToken);

    public Task<JsonObject> DescribeExecutionAsync(string executionArn, CancellationToken cancellationToken) =>
        CallAsync("DescribeExecution", new JsonObject { ["executionArn"] = executionArn }, cancellationToken);

    public async Task<IReadOnlyList<JsonObject>> GetExecutionHistoryAsync(string executionArn, CancellationToken cancellationToken) =>
        await PagesAsync("GetExecutionHistory", new JsonObject { ["executionArn"] = executionArn, ["includeExecutionData"] = true }, "events", cancellationToken);

    private async Task<List<JsonObject>> PagesAsync(string operation, JsonObject request, string field, CancellationToken cancellationToken)
    {
        var items = new List<JsonObject>();
        string? token = null;
        do
        {
            var page = (JsonObject)request.DeepClone();
            if (token is not null)
            {
                page["nextToken"] = token;
            }

            var answer = await CallAsync(operation, page, cancellationToken);
            items.AddRange((answer[field] as JsonArray ?? []).OfType<JsonObject>().Select(o => (JsonObject)o.DeepClone()));
            token = answer["nextToken"]?.GetValue<string>();
        }
        while (token is not null);
        return items;
    }

    private async Task<JsonObject> CallAsync(string operation, JsonObject request, CancellationToken cancellationToken)
    {
        var (response, text) = await _endpoint.PostAsync(operation, Encoding.UTF8.GetBytes(request.ToJsonString()), cancellationToken);
        using var owned = response;
        if (!response.IsSuccessStatusCode)
        {
            throw new StepFunctionsClientException(AwsJsonError.Read(response, text));
        }

        return JsonNode.Parse(text) as JsonObject
            ?? throw new StepFunctionsClientException(new AwsJsonError("EmptyResponse", $"{operation} returned no JSON object", response.StatusCode));
    }
}
