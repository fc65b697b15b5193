namespace Pipeline.Local.Aws.Tests.ELBv2;

/// <summary>
/// What the ELBv2 tests start from: the local target groups over a fleet of real instances, with
/// the stack's health-check listener created (a group is checked only once a rule of it forwards to it).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes test classes through IAsyncLifetime.")]
public abstract class TargetGroupsOnFleet : IAsyncLifetime
{
    internal const string Listener = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/pipeline/local/HealthCheckListener";

    private protected TargetGroupsOnFleet()
    {
        Groups = new LocalTargetGroups(new FleetTargetAddresses(Fixture.Fleet), new StackContext());
        Groups.CreateListener(Listener);
    }

    private protected FleetFixture Fixture { get; } = new();

    private protected HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };

    private protected LocalTargetGroups Groups { get; }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Groups.DisposeAsync();
        Http.Dispose();
        await Fixture.DisposeAsync();
    }

    /// <summary>One instance of the fleet, once it answers.</summary>
    private protected async Task<FleetInstance> LaunchAsync()
    {
        var instance = (await Fixture.Fleet.LaunchAsync(FleetFixture.Spec(), 1, CancellationToken.None))[0];
        await Eventually.GetWhenUpAsync(Http, $"http://127.0.0.1:{instance.Port}/version");
        return instance;
    }
}
