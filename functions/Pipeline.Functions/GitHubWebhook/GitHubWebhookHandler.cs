using System.Text;
using System.Text.Json;
using Pipeline.Core.Webhooks;

namespace Pipeline.Functions.GitHubWebhook;

/// <summary>
/// Behind a public function URL (GitHub cannot sign SigV4): the body's HMAC is the authentication.
/// Every answer is JSON with a reason, and every one is logged with the delivery id, never the secret.
/// </summary>
public sealed class GitHubWebhookHandler(GitHubWebhookReceiver receiver) : IFunctionHandler<FunctionUrlRequest, FunctionUrlResponse>
{
    public async Task<FunctionUrlResponse> HandleAsync(FunctionUrlRequest input, InvocationContext context)
    {
        var headers = (input.Headers ?? []).ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value, StringComparer.Ordinal);
        var answer = Body(input) is { } body
            ? await receiver.ReceiveAsync(new WebhookDelivery(input.RequestContext?.Http?.Method ?? "", headers, body), context.CancellationToken)
            : new WebhookAnswer(400, "the body is not valid base64");
        var delivery = headers.GetValueOrDefault(WebhookDelivery.DeliveryHeader, "-");
        Console.WriteLine($"{context.RequestId} delivery {delivery} from {input.RequestContext?.Http?.SourceIp ?? "-"}: {answer.Status} {answer.Reason}");
        return new FunctionUrlResponse(answer.Status, new() { ["content-type"] = "application/json" },
            JsonSerializer.Serialize(new WebhookAnswerBody(answer.Reason, answer.ExecutionArn), WebhookJson.Default.WebhookAnswerBody));
    }

    /// <summary>The raw bytes GitHub signed: a function URL passes text bodies as they came and others in base64.</summary>
    private static byte[]? Body(FunctionUrlRequest input)
    {
        if (!input.IsBase64Encoded)
        {
            return Encoding.UTF8.GetBytes(input.Body ?? "");
        }

        try
        {
            return Convert.FromBase64String(input.Body ?? "");
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
