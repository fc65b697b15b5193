using System.Net;
using System.Net.Http.Headers;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// A service from <c>./pipeline new</c>, pushed to <c>./pipeline up</c> as a team would push its first
/// commit, behind HAProxy, with tokens from <c>./pipeline token</c>: the stack's local issuer reaches the
/// instances through the template's AuthIssuer / AuthJwksUrl, as on AWS.
/// </summary>
public sealed class AuthTests(ITestOutputHelper output)
{
    private const string Service = "widgets";

    [Fact]
    public async Task NewService_WhenPushed_ShouldGoLiveAndAnswerOnlyTokensFromTheStacksIssuerWithTheScopesItNeeds()
    {
        var clock = Stopwatch.StartNew();
        await using var stack = await RunningStack.StartAsync(Limits.StackStart);
        using var probe = new StackProbe(stack);
        var issuer = stack.Endpoint("issuer");
        Assert.Matches(@"\Ahttp://127\.0\.0\.1:\d+/\z", issuer.ToString());
        var (statusExit, status) = await PipelineCli.RunAsync(TimeSpan.FromMinutes(2), "status", "--state-dir", stack.StateDirectory);
        Assert.True(statusExit == 0, status);
        Assert.Matches($@"(?m)^\s+issuer\s+{issuer.ToString().Replace(".", @"\.", StringComparison.Ordinal)}\s*$", status);

        var directory = Path.Combine(stack.StateDirectory, "e2e-widgets");
        var (newExit, created) = await PipelineCli.RunAsync(TimeSpan.FromMinutes(2), "new", Service, "--dir", directory);
        Assert.True(newExit == 0, created);
        var (_, live) = await probe.PushToLiveAsync(Service, ["--from", directory], TimeSpan.FromMinutes(10));
        output.WriteLine($"{Service} {live} live {clock.Elapsed.TotalSeconds:0.0} s after ./pipeline up started");

        using var http = new HttpClient();
        using (var anonymous = await http.GetAsync(probe.Front("/widgets")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.StartsWith("Bearer ", anonymous.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        var writer = await TokenAsync(stack, "--sub", "alice", "--scope", "widgets:read", "--scope", "widgets:write");
        var item = await SendAsync(http, HttpMethod.Post, probe.Front("/widgets"), writer, """{"name":"sprocket"}""", HttpStatusCode.Created);
        var listed = await SendAsync(http, HttpMethod.Get, probe.Front("/widgets"), writer, null, HttpStatusCode.OK);
        Assert.Equal("alice", (string?)item["createdBy"]);
        Assert.Contains(listed["items"]!.AsArray(), i => (string?)i!["id"] == (string?)item["id"]);

        var reader = await TokenAsync(stack, "--sub", "bob", "--scope", "widgets:read");
        await SendAsync(http, HttpMethod.Get, probe.Front($"/widgets/{item["id"]}"), reader, null, HttpStatusCode.OK);
        var refused = await SendAsync(http, HttpMethod.Post, probe.Front("/widgets"), reader, """{"name":"gear"}""", HttpStatusCode.Forbidden);
        Assert.Contains("widgets:write", (string?)refused["error"], StringComparison.Ordinal);

        // Signed by another key, or for another audience: not the stack's token for this service.
        var otherAudience = await TokenAsync(stack, "--sub", "carol", "--scope", "widgets:read", "--audience", "orders");
        await SendAsync(http, HttpMethod.Get, probe.Front("/widgets"), otherAudience, null, HttpStatusCode.Unauthorized);
        var forged = reader[..(reader.LastIndexOf('.') + 1)] + new string('A', 86);
        await SendAsync(http, HttpMethod.Get, probe.Front("/widgets"), forged, null, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Token_WhenTheStateDirectoryHasNoIssuerYet_ShouldFailSayingHowToCreateIt()
    {
        var state = Path.Combine(Path.GetTempPath(), "pipeline-e2e-" + Guid.NewGuid().ToString("N")[..8]);

        var (exit, printed) = await PipelineCli.RunAsync(TimeSpan.FromMinutes(5), "token", "--sub", "alice", "--scope", "widgets:read", "--state-dir", state);

        Assert.Equal(1, exit);
        Assert.Contains("no token issuer", printed, StringComparison.Ordinal);
        Assert.Contains("./pipeline up", printed, StringComparison.Ordinal);
        Assert.False(Directory.Exists(state));
    }

    /// <summary>The last line <c>./pipeline token</c> prints.</summary>
    private static async Task<string> TokenAsync(RunningStack stack, params string[] arguments)
    {
        var (exit, printed) = await PipelineCli.RunAsync(TimeSpan.FromMinutes(2), ["token", .. arguments, "--state-dir", stack.StateDirectory]);
        Assert.True(exit == 0, printed);
        return printed.TrimEnd().Split('\n')[^1].Trim();
    }

    private static async Task<JsonObject> SendAsync(HttpClient http, HttpMethod method, Uri url, string token, string? body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, url) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {url.AbsolutePath}: {(int)response.StatusCode} {response.Headers.WwwAuthenticate} {text}");
        return JsonNode.Parse(text.Length == 0 ? "{}" : text) as JsonObject ?? [];
    }
}
