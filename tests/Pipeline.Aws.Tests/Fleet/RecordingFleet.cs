using System.Collections.Concurrent;
using System.Globalization;

namespace Pipeline.Aws.Tests.Fleet;

/// <summary>A fleet that keeps instances in memory and records every launch and termination.</summary>
internal sealed class RecordingFleet : IInstanceFleet
{
    private readonly ConcurrentDictionary<string, FleetInstance> _instances = new(StringComparer.Ordinal);
    private int _next;

    public ConcurrentQueue<InstanceLaunch> Launches { get; } = new();

    public ConcurrentQueue<string> Terminated { get; } = new();

    public Task<IReadOnlyList<FleetInstance>> LaunchAsync(InstanceLaunch launch, CancellationToken cancel = default)
    {
        Launches.Enqueue(launch);
        var started = Enumerable.Range(0, launch.Count).Select(_ =>
        {
            var n = Interlocked.Increment(ref _next);
            var instance = new FleetInstance("i-" + n.ToString("x8", CultureInfo.InvariantCulture), launch.Service, launch.Label,
                "10.0.0." + n.ToString(CultureInfo.InvariantCulture), launch.Port, "running");
            _instances[instance.InstanceId] = instance;
            return instance;
        }).ToList();
        return Task.FromResult<IReadOnlyList<FleetInstance>>(started);
    }

    public Task<IReadOnlyList<FleetInstance>> FindAsync(string service, string label, CancellationToken cancel = default) =>
        Task.FromResult<IReadOnlyList<FleetInstance>>(
            [.. _instances.Values.Where(i => i.Service == service && i.Label == label && i.State != "terminated").OrderBy(i => i.InstanceId, StringComparer.Ordinal)]);

    public Task TerminateAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancel = default)
    {
        foreach (var id in instanceIds)
        {
            Terminated.Enqueue(id);
            _instances[id] = _instances[id] with { State = "terminated" };
        }

        return Task.CompletedTask;
    }

    public void Crash(string instanceId) => _instances[instanceId] = _instances[instanceId] with { State = "stopped" };
}
