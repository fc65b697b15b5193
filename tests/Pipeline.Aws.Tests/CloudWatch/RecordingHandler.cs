namespace Pipeline.Aws.Tests.CloudWatch;

/// <summary>Stands in for the CloudWatch endpoint: records each request and answers from a queue.</summary>
internal sealed class RecordingHandler : HttpMessageHandler
{
    private readonly Queue<Func<HttpResponseMessage>> _responses = new();

    public List<(HttpRequestMessage Request, string Body)> Requests { get; } = [];

    public RecordingHandler Respond(string json, HttpStatusCode status = HttpStatusCode.OK, string? queryError = null)
    {
        _responses.Enqueue(() =>
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(json) };
            if (queryError is not null)
            {
                response.Headers.Add("x-amzn-query-error", queryError);
            }

            return response;
        });
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add((request, body));
        return _responses.Dequeue()();
    }
}
