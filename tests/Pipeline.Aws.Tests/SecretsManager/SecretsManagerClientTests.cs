using Pipeline.Aws.SecretsManager;
using Pipeline.Core.Webhooks;

namespace Pipeline.Aws.Tests.SecretsManager;

public sealed class SecretsManagerClientTests
{
    private const string SecretArn = "arn:aws:secretsmanager:us-west-2:123456789012:secret:GitHubWebhookSecret-a1b2c3";
    private static string Fixture(string name) => SignedRequests.Fixture("SecretsManager", name);

    private static SecretsManagerClient Client(RecordingHandler handler) =>
        new(SecretsManagerClient.Service.At(new HttpClient(handler), "us-west-2", new Uri("https://secretsmanager.us-west-2.amazonaws.com/"), SignedRequests.StaticCredentials));

    [Fact]
    public async Task GetSecretString_WhenCalled_ShouldSendTheDocumentedJson11RequestSignedForSecretsManager()
    {
        var handler = new RecordingHandler().Respond(Fixture("get-secret-value.response.json"));

        var secret = await Client(handler).GetSecretStringAsync(SecretArn, CancellationToken.None);

        Assert.Equal("EXAMPLE-WEBHOOK-SECRET", secret);
        var (request, body) = handler.Requests.Single();
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Fixture("get-secret-value.request.json")), JsonNode.Parse(body)), body);
        Assert.Equal("secretsmanager.GetSecretValue", request.Headers.GetValues("X-Amz-Target").Single());
        Assert.Equal("application/x-amz-json-1.1", request.Content!.Headers.ContentType!.MediaType);
        Assert.Contains("/us-west-2/secretsmanager/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=",
            request.Headers.GetValues("Authorization").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetSecretString_WhenTheSecretDoesNotExist_ShouldThrowWithTheCodeOnly()
    {
        var client = Client(new RecordingHandler().Respond(Fixture("resource-not-found.error.json"), HttpStatusCode.BadRequest));

        var error = await Assert.ThrowsAsync<SecretsManagerException>(() => client.GetSecretStringAsync(SecretArn, CancellationToken.None));

        Assert.Equal("ResourceNotFoundException", error.Code);
    }

    [Fact]
    public async Task WebhookSecret_WhenReadTwiceWithinItsLifetime_ShouldAskSecretsManagerOnceAndAgainAfterIt()
    {
        var handler = new RecordingHandler().Respond(Fixture("get-secret-value.response.json")).Respond(Fixture("get-secret-value.response.json"));
        var clock = new StepClock();
        var secret = new SecretsManagerWebhookSecret(Client(handler), SecretArn, clock);

        var first = await secret.GetAsync(CancellationToken.None);
        await secret.GetAsync(CancellationToken.None);
        Assert.Single(handler.Requests);
        clock.Now += SecretsManagerWebhookSecret.Lifetime;
        await secret.GetAsync(CancellationToken.None);

        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal(Encoding.UTF8.GetBytes("EXAMPLE-WEBHOOK-SECRET"), first);
    }

    [Fact]
    public async Task WebhookSecret_WhenSecretsManagerRefuses_ShouldSayUnavailableWithoutTheResponseText()
    {
        var secret = new SecretsManagerWebhookSecret(Client(new RecordingHandler().Respond(
            """{"__type":"AccessDeniedException","Message":"secret value EXAMPLE-WEBHOOK-SECRET"}""", HttpStatusCode.BadRequest)), SecretArn);

        var error = await Assert.ThrowsAsync<WebhookUnavailableException>(() => secret.GetAsync(CancellationToken.None));

        Assert.Contains("AccessDeniedException", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("EXAMPLE", error.Message, StringComparison.Ordinal);
    }

    private sealed class StepClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
