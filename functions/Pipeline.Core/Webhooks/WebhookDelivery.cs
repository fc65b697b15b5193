namespace Pipeline.Core.Webhooks;

/// <summary>One HTTP request to the webhook receiver, as the function URL handed it over.</summary>
/// <param name="Method">The HTTP method; GitHub always POSTs.</param>
/// <param name="Headers">Header names in lower case (a function URL event lowers them), values as sent.</param>
/// <param name="Body">The raw body bytes: the signature covers exactly these.</param>
public sealed record WebhookDelivery(string Method, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public const string EventHeader = "x-github-event";
    public const string DeliveryHeader = "x-github-delivery";
    public const string ContentTypeHeader = "content-type";

    public string? Header(string lowerCaseName) => Headers.TryGetValue(lowerCaseName, out var value) ? value : null;
}

/// <summary>
/// The receiver's answer: an HTTP status GitHub shows in the delivery log and one sentence why.
/// 2xx tells GitHub not to redeliver, so only a failure the receiver itself could not get past
/// (secret or Step Functions unavailable) is 5xx.
/// </summary>
public sealed record WebhookAnswer(int Status, string Reason, string? ExecutionArn = null)
{
    public bool Refused => Status >= 400;
}
