using Pipeline.Aws.Local;
using Pipeline.Core.Errors;
using InstanceLaunch = Pipeline.Core.Fleet.InstanceLaunch;

namespace Pipeline.Local.Aws.Tests.EC2;

/// <summary>
/// The local fleet API over real HTTP: a field of the wrong JSON type is a 400 naming the field, and
/// nothing is launched or terminated. The fleet behind it is a recorder, since only the API's reading
/// of requests is under test here (the fleet itself is tested in Pipeline.Local.Stack.Tests).
/// </summary>
public sealed class FleetApiTests : IAsyncLifetime, IDisposable
{
    private readonly RecordingFleet _fleet = new();
    private readonly HttpClient _http = new();
    private LoopbackServer _app = null!;

    public async Task InitializeAsync()
    {
        _app = await LoopbackServer.StartAsync(app => FleetApi.Map(app, _fleet, "artifacts", new Dictionary<string, string>()));
        _http.BaseAddress = _app.BaseAddress;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public void Dispose() => _http.Dispose();

    private async Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(string path, string json)
    {
        using var response = await _http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private const string Launch = """{"service":"orders","version":"1.0.1","artifactKey":"a.tgz","artifactSha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",""";

    [Fact]
    public async Task Launch_WhenEveryFieldHasItsType_ShouldLaunchWithThem()
    {
        var (status, _) = await PostAsync("/fleet/instances", Launch + ("'count':2,'start':null,'environment':{'MODE':'x'}}").Replace('\'', '"'));

        Assert.Equal(HttpStatusCode.OK, status);
        var (spec, count) = Assert.Single(_fleet.Launches);
        Assert.Equal((2, "x", (string?)null), (count, spec.Environment!["MODE"], spec.Start));
    }

    [Theory]
    [InlineData("'count':'2'}", "count: must be a whole number from 1 to 20, got \"2\"")]
    [InlineData("'count':1.5}", "count: must be a whole number from 1 to 20, got 1.5")]
    [InlineData("'count':true}", "count: must be a whole number from 1 to 20, got true")]
    [InlineData("'count':21}", "count: must be 1-20, got 21")]
    [InlineData("'count':0}", "count: must be 1-20, got 0")]
    [InlineData("'count':1,'start':42}", "start: must be a non-empty string, got 42")]
    [InlineData("'count':1,'environment':{'MODE':1}}", "environment.MODE: must be a string, got 1")]
    [InlineData("'count':1,'environment':['MODE']}", "environment: must be an object of NAME: string, got [\"MODE\"]")]
    [InlineData("'count':1,'secrets':{'DB_PASSWORD':{'ssm':'x'}}}", "secrets.DB_PASSWORD: must be a string, got {\"ssm\":\"x\"}")]
    [InlineData("'count':1,'secrets':'DB_PASSWORD'}", "secrets: must be an object of NAME: string, got \"DB_PASSWORD\"")]
    public async Task Launch_WhenAFieldHasTheWrongType_ShouldAnswer400NamingItAndLaunchNothing(string rest, string message)
    {
        var (status, body) = await PostAsync("/fleet/instances", Launch + rest.Replace('\'', '"'));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(("InvalidParameterValue", message), ((string?)body["errorType"], (string?)body["errorMessage"]));
        Assert.Empty(_fleet.Launches);
    }

    [Fact]
    public async Task Launch_WhenServiceIsANumber_ShouldAnswer400()
    {
        var (status, body) = await PostAsync("/fleet/instances", """{"service":7,"version":"1","artifactKey":"a.tgz"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("service: must be a non-empty string, got 7", (string?)body["errorMessage"]);
    }

    [Theory]
    [InlineData("""{"instanceIds":"i-1"}""", "instanceIds: must be a list of instance ids, got \"i-1\"")]
    [InlineData("""{"instanceIds":["i-1",2]}""", "instanceIds[1]: must be a non-empty string, got 2")]
    [InlineData("""{}""", "instanceIds: required, a list of instance ids")]
    public async Task Terminate_WhenInstanceIdsAreNotAListOfStrings_ShouldAnswer400AndTerminateNothing(string json, string message)
    {
        var (status, body) = await PostAsync("/fleet/terminate", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(message, (string?)body["errorMessage"]);
        Assert.Empty(_fleet.Terminated);
    }

    [Fact]
    public async Task LocalFleetClient_WhenAFunctionLaunchesFindsAndTerminates_ShouldBeReadAsItWrote()
    {
        var client = new LocalFleetClient(_http, _app.BaseAddress);
        var launch = new InstanceLaunch("orders", "1.0.1", "a.tgz", new string('a', 64), 2, 8080, "node server.js",
            new Dictionary<string, string> { ["MODE"] = "x" }, "exec-1")
        {
            Secrets = new Dictionary<string, string> { ["DB_PASSWORD"] = "/orders/db" },
        };

        var launched = await client.LaunchAsync(launch);
        var found = await client.FindAsync("orders", "1.0.1");
        await client.TerminateAsync(["i-1"]);

        var (spec, count) = Assert.Single(_fleet.Launches);
        Assert.Equal((2, "orders", "1.0.1", "a.tgz", new string('a', 64), "node server.js"),
            (count, spec.Service, spec.Version, spec.ArtifactKey, spec.ArtifactSha256, spec.Start));
        Assert.Equal(("x", "/orders/db"), (spec.Environment!["MODE"], spec.Secrets["DB_PASSWORD"]));
        Assert.Equal(new Pipeline.Core.Fleet.FleetInstance("i-1", "orders", "1.0.1", "127.0.0.1", 4000, "running"), Assert.Single(launched));
        Assert.Equal(launched, found);
        Assert.Equal(["i-1"], _fleet.Terminated);
    }

    [Fact]
    public async Task LocalFleetClient_WhenTheApiRefusesTheLaunch_ShouldFailItWithTheFleetsMessage()
    {
        var client = new LocalFleetClient(_http, _app.BaseAddress);
        var launch = new InstanceLaunch("orders", "1.0.1", "a.tgz", new string('a', 64), 21, 8080, "node server.js",
            new Dictionary<string, string>(), "exec-1");

        var error = await Assert.ThrowsAsync<LaunchFailedException>(() => client.LaunchAsync(launch));

        Assert.Equal("the local fleet refused POST /fleet/instances: count: must be 1-20, got 21", error.Message);
        Assert.Empty(_fleet.Launches);
    }

    private sealed class RecordingFleet : IFleet
    {
        public List<(InstanceSpec Spec, int Count)> Launches { get; } = [];

        public List<string> Terminated { get; } = [];

        public Task<IReadOnlyList<FleetInstance>> LaunchAsync(InstanceSpec spec, int count, CancellationToken cancellationToken)
        {
            Launches.Add((spec, count));
            return Task.FromResult(Describe());
        }

        public Task TerminateAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken)
        {
            Terminated.AddRange(instanceIds);
            return Task.CompletedTask;
        }

        public IReadOnlyList<FleetInstance> Describe(string? service = null, string? version = null) =>
        [
            .. Launches.Take(1).Select(l =>
                new FleetInstance("i-1", l.Spec.Service, l.Spec.Version, "127.0.0.1", 4000, 4242, "running", null, null, DateTimeOffset.UnixEpoch, "i-1.log")),
        ];

        public FleetInstance? Find(string instanceId) => Describe().FirstOrDefault(i => i.InstanceId == instanceId);
    }
}
