using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Pipeline.Composer.Tests;

/// <summary>The composer's semantics against real HTTP services: what it answers, what each service receives.</summary>
public sealed class CompositionSemanticsTests : IAsyncLifetime
{
    private const string Storefront = """
        name: storefront
        compose:
          - path: /storefront/customers/{customerId}
            timeoutMs: 800
            calls:
              orders:  { service: orders,  path: "/orders?customerId={customerId}" }
              catalog: { service: catalog, path: /items }
            require: [orders]
          - path: /storefront/orders/{orderId}/lines
            calls:
              order: { service: orders, path: "/orders/{orderId}" }
          - path: /storefront/orders
            method: POST
            timeoutMs: 800
            calls:
              orders: { service: orders, path: /orders }
              audit:  { service: audit,  path: /audit/events }
            require: [orders]

        """;

    private ServiceBackends _services = null!;
    private ComposerFixture _composer = null!;

    public async Task InitializeAsync()
    {
        _services = await ServiceBackends.StartAsync();
        _composer = await ComposerFixture.StartAsync(Storefront, _services.Url);
    }

    public async Task DisposeAsync()
    {
        await _composer.DisposeAsync();
        await _services.DisposeAsync();
    }

    [Fact]
    public async Task Get_WhenEveryCallAnswers_ShouldJoinTheBodiesUnderTheCallNamesAndForwardAuthAndRequestId()
    {
        _services.Json("orders", """{"orders":[{"id":"o1"}]}""").Json("catalog", """{"items":[1,2]}""");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/storefront/customers/c7");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer t0ken");
        request.Headers.TryAddWithoutValidation("X-Request-Id", "req-42");

        using var response = await _composer.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("req-42", Assert.Single(response.Headers.GetValues("X-Request-Id")));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("""{"orders":{"orders":[{"id":"o1"}]},"catalog":{"items":[1,2]}}""", body.ToJsonString());
        var received = _services.Requests.OrderBy(r => r.Service, StringComparer.Ordinal).ToList();
        Assert.Equal(["catalog", "orders"], received.Select(r => r.Service));
        Assert.Equal(["/items", "/orders?customerId=c7"], received.Select(r => r.Target));
        Assert.All(received, r => Assert.Equal(("GET", "Bearer t0ken", "req-42"), (r.Method, r.Authorization, r.RequestId)));
    }

    [Fact]
    public async Task Get_WhenNoRequestId_ShouldGenerateOneForwardItToEveryCallAndReturnIt()
    {
        _services.Json("orders", "[]").Json("catalog", "[]");

        using var response = await _composer.Client.GetAsync(new Uri("/storefront/customers/c7", UriKind.Relative));

        var id = Assert.Single(response.Headers.GetValues("X-Request-Id"));
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal([id, id], _services.Requests.Select(r => r.RequestId));
        Assert.All(_services.Requests, r => Assert.Equal(string.Empty, r.Authorization));
    }

    [Theory]
    [InlineData(500, """{"oops":1}""", "status 500")]
    [InlineData(404, "", "status 404")]
    [InlineData(200, "<html>not json</html>", "status 200 but the body is not JSON")]
    [InlineData(200, "", "status 200 but the body is not JSON")]
    public async Task Get_WhenAnOptionalCallFails_ShouldLeaveItOutAndSayWhyUnderErrors(int status, string body, string reason)
    {
        _services.Json("orders", """{"n":1}""").Json("catalog", body, status);

        using var response = await _composer.Client.GetAsync(new Uri("/storefront/customers/c7", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(["orders", "errors"], json.Select(p => p.Key));
        Assert.Equal(reason, json["errors"]!["catalog"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_WhenARequiredCallFails_ShouldAnswer502WithTheErrors()
    {
        _services.Json("orders", "{}", 503).Json("catalog", "[]");

        using var response = await _composer.Client.GetAsync(new Uri("/storefront/customers/c7", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("""{"errors":{"orders":"status 503"}}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_WhenACallIsSlowerThanTheTimeout_ShouldAnswerWithinTheTimeoutWithoutIt()
    {
        _services.Json("orders", """{"n":1}""").Json("catalog", "[]", delayMs: 5_000);
        var clock = Stopwatch.StartNew();

        using var response = await _composer.Client.GetAsync(new Uri("/storefront/customers/c7", UriKind.Relative));

        clock.Stop();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.InRange(clock.ElapsedMilliseconds, 750, 1_500);
        Assert.Equal("""{"orders":{"n":1},"errors":{"catalog":"timed out: no answer within 800 ms"}}""",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_WhenARequiredCallIsTooSlow_ShouldAnswer502WithinTheTimeout()
    {
        _services.Json("orders", "{}", delayMs: 5_000).Json("catalog", "[]");

        using var response = await _composer.Client.GetAsync(new Uri("/storefront/customers/c7", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("""{"errors":{"orders":"timed out: no answer within 800 ms"}}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_ShouldStartEveryCallAtOnce()
    {
        _services.Json("orders", "{}", delayMs: 400).Json("catalog", "[]", delayMs: 400);
        var clock = Stopwatch.StartNew();

        using var response = await _composer.Client.GetAsync(new Uri("/storefront/customers/c7", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.InRange(clock.ElapsedMilliseconds, 400, 750);
    }

    [Theory]
    [InlineData("/storefront/orders/a%2F..%2Fb/lines", "/orders/a%2F..%2Fb")]
    [InlineData("/storefront/orders/a%3Fx%3D1%26y/lines", "/orders/a%3Fx%3D1%26y")]
    [InlineData("/storefront/orders/%20%22%7B/lines", "/orders/%20%22%7B")]
    public async Task Get_WhenAParameterHoldsPathOrQueryCharacters_ShouldEncodeItIntoOneSegment(string path, string called)
    {
        _services.Json("orders", "{}");

        using var response = await _composer.Client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(called, Assert.Single(_services.Requests).Target);
    }

    [Fact]
    public async Task Get_WhenAParameterHoldsAQueryBreaker_ShouldKeepItInsideTheQueryValue()
    {
        _services.Json("orders", "{}").Json("catalog", "{}");

        using var response = await _composer.Client.GetAsync(new Uri("/storefront/customers/c7%26admin%3Dtrue", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(_services.Requests, r => r.Target == "/orders?customerId=c7%26admin%3Dtrue");
    }

    [Fact]
    public async Task Get_WhenTheServicesAreUnreachable_ShouldSayConnectionRefused()
    {
        await using var composer = await ComposerFixture.StartAsync(Storefront, new Uri($"http://127.0.0.1:{ServiceBackends.FreePort()}"));

        using var response = await composer.Client.GetAsync(new Uri("/storefront/customers/c7", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("""{"errors":{"orders":"connection refused","catalog":"connection refused"}}""",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Post_ShouldSendTheBodyToEveryCallAndListEachStatusAndBody()
    {
        _services.Json("orders", """{"id":"o9"}""", 201).Answer("audit", context => { context.Response.StatusCode = 202; return Task.CompletedTask; });
        using var content = new StringContent("""{"sku":"x","qty":2}""", Encoding.UTF8, "application/json");

        using var response = await _composer.Client.PostAsync(new Uri("/storefront/orders", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"orders":{"status":201,"body":{"id":"o9"}},"audit":{"status":202,"body":null}}""",
            await response.Content.ReadAsStringAsync());
        Assert.All(_services.Requests, r => Assert.Equal(("POST", """{"sku":"x","qty":2}"""), (r.Method, r.Body)));
        Assert.Equal(["/audit/events", "/orders"], _services.Requests.Select(r => r.Target).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Post_WhenTheRequiredCallFails_ShouldAnswer502AndStillListWhatAnswered()
    {
        _services.Json("orders", """{"error":"bad"}""", 400).Json("audit", "{}", 202);
        using var content = new StringContent("{}", Encoding.UTF8, "application/json");

        using var response = await _composer.Client.PostAsync(new Uri("/storefront/orders", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("""{"orders":{"status":400,"body":{"error":"bad"}},"audit":{"status":202,"body":{}},"errors":{"orders":"status 400"}}""",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Request_WhenNoCompositionMatches_ShouldAnswer404OrTheMethodsThatDo()
    {
        using var missing = await _composer.Client.GetAsync(new Uri("/storefront/customers", UriKind.Relative));
        using var wrongMethod = await _composer.Client.GetAsync(new Uri("/storefront/orders", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal(["POST"], wrongMethod.Content.Headers.Allow);
        Assert.Empty(_services.Requests);
    }
}
