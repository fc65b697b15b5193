using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Pipeline.Local.Aws.Processes;
using Pipeline.Core.Registry;

namespace Pipeline.StateMachines.Tests.Execution;

/// <summary>
/// Stand-ins for the deploy functions that need instances and routers (LaunchInstances,
/// PublishRoutes, RetireVersion, Rollback), so these tests exercise the machine's paths without a
/// fleet; the real functions run in the end-to-end demo test and in their own tests. The doubles
/// answer with the functions' output records and make the side effects the rest of the machine
/// reads for real: each launched instance is an HTTP port the local ELBv2 service health-checks
/// (<see cref="AnswerEveryRequestAsync"/>), PublishRoutes makes the version
/// live in the registry and, playing the router agent, reports the new routes version in s3rver,
/// where the real RoutesConverged function reads it.
/// </summary>
internal sealed class FleetDoubles(IRegistry registry, EmulatorFixture emulators, string routesBucket) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, LoopbackServer> _instances = new(StringComparer.Ordinal);
    private long _routesVersion;

    /// <summary>Every call, in order, as "Function service label".</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    /// <summary>The checks of new instances (LaunchInstances with <c>registered</c>), as "service label"; not in <see cref="Calls"/>.</summary>
    public ConcurrentQueue<string> Confirms { get; } = new();

    /// <summary>Addresses handed out per version label.</summary>
    public ConcurrentDictionary<string, IReadOnlyList<string>> Launched { get; } = new();

    /// <summary>Services whose routes another live service claims: PublishRoutes fails for them as the real function does.</summary>
    public ConcurrentDictionary<string, string> RouteConflicts { get; } = new();

    /// <summary>What a service's instances answer their health checks when not 200: 503 for a broken build.</summary>
    public ConcurrentDictionary<string, int> HealthStatus { get; } = new();

    /// <summary>
    /// How many of the next checks of a service's instances (LaunchInstances with <c>registered</c>) find
    /// the first registered instance dead, as a process killed before its version went live.
    /// </summary>
    public ConcurrentDictionary<string, int> DeathsOnConfirm { get; } = new();

    /// <summary>The target ids PublishRoutes was given, per version label.</summary>
    public ConcurrentDictionary<string, IReadOnlyList<string>> Published { get; } = new();

    public IReadOnlyDictionary<string, Func<JsonObject, Task<JsonNode?>>> Functions => new Dictionary<string, Func<JsonObject, Task<JsonNode?>>>
    {
        ["pipeline-LaunchInstances"] = LaunchAsync,
        ["pipeline-PublishRoutes"] = PublishAsync,
        ["pipeline-RetireVersion"] = RetireAsync,
        ["pipeline-Rollback"] = RollbackAsync,
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances.Values)
        {
            await instance.DisposeAsync();
        }
    }

    private async Task<JsonNode?> LaunchAsync(JsonObject input)
    {
        // The check of the new instances while the run waits for health calls the same function with "registered".
        var (service, label) = input["registered"] is null ? Record("LaunchInstances", input) : ((string)input["service"]!, (string)input["label"]!);
        if (input["registered"] is not null)
        {
            Confirms.Enqueue($"{service} {label}");
        }

        var count = (int)input["count"]!;
        Assert.StartsWith($"artifacts/{service}/{label}/", (string)input["artifactKey"]!, StringComparison.Ordinal);
        var targets = new JsonArray();
        var dead = new JsonArray();
        if (input["registered"] is JsonArray registered)
        {
            foreach (var target in registered)
            {
                (DeathsOnConfirm.GetValueOrDefault(service) > 0 && dead.Count == 0 ? dead : targets).Add(target!.DeepClone());
            }

            DeathsOnConfirm.AddOrUpdate(service, 0, (_, deaths) => Math.Max(0, deaths - (dead.Count > 0 ? 1 : 0)));
            foreach (var target in dead)
            {
                if (_instances.TryRemove((string)target!["id"]!, out var died))
                {
                    await died.DisposeAsync();
                }
            }
        }

        var ids = targets.Select(t => (string)t!["id"]!).ToList();
        while (targets.Count < count)
        {
            // Distinct ports on one address stand for distinct instances, as in the local fleet.
            var instance = await AnswerEveryRequestAsync(HealthStatus.GetValueOrDefault(service, 200));
            var id = $"i-{label}-{instance.Port}";
            _instances[id] = instance;
            ids.Add(id);
            targets.Add(new JsonObject { ["id"] = id, ["address"] = "127.0.0.1", ["port"] = instance.Port });
        }

        Launched[label] = [.. (input["registered"] is null ? [] : Launched.GetValueOrDefault(label, [])).Union(ids)];
        return new JsonObject { ["targets"] = targets, ["dead"] = dead, ["replaced"] = dead.Count };
    }

    private async Task<JsonNode?> PublishAsync(JsonObject input)
    {
        var (service, label) = Record("PublishRoutes", input);
        var previous = (string?)input["previousLabel"];
        Published[label] = [.. input["targets"]!.AsArray().Select(t => (string)t!["id"]!)];
        if (RouteConflicts.TryGetValue(service, out var owner))
        {
            throw new Pipeline.States.StatesException(Pipeline.Core.Errors.RouteConflictException.Name,
                $"route conflict: route */{service} is claimed by live service {owner}; service {service} cannot claim it");
        }

        Assert.True(await registry.MarkLiveAsync(service, label, previous), $"{service} was not live at {previous ?? "nothing"}");
        var version = Interlocked.Increment(ref _routesVersion);
        var text = version.ToString(CultureInfo.InvariantCulture);
        await emulators.PutTextAsync(routesBucket, "routes/status/router-1.json",
            $$"""{"node":"router-1","appliedVersion":{{text}},"lastError":null,"time":"{{DateTimeOffset.UtcNow:O}}","rejectedVersion":null}""");
        return new JsonObject
        {
            ["published"] = true,
            ["version"] = version,
            ["sha256"] = new string('a', 64),
            ["key"] = $"routes/haproxy/{text}.cfg",
            ["previousVersion"] = version - 1,
        };
    }

    /// <summary>
    /// An instance as the load balancer sees it: a port answering every request (its health check path
    /// included) with <paramref name="status"/>; disposed, the instance is dead and its port refuses connections.
    /// </summary>
    private static Task<LoopbackServer> AnswerEveryRequestAsync(int status) => LoopbackServer.StartAsync(app => app.Run(context =>
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }));

    private async Task<JsonNode?> RetireAsync(JsonObject input)
    {
        var (_, label) = Record("RetireVersion", input);
        var terminated = Launched.GetValueOrDefault(label, []);
        foreach (var id in terminated)
        {
            if (_instances.TryRemove(id, out var instance))
            {
                await instance.DisposeAsync();
            }
        }

        return new JsonObject
        {
            ["retired"] = true,
            ["terminated"] = new JsonArray(terminated.Select(id => (JsonNode)id).ToArray()),
        };
    }

    private async Task<JsonNode?> RollbackAsync(JsonObject input)
    {
        var (service, label) = Record("Rollback", input);
        await registry.SetVersionStatusAsync(service, label, VersionStatus.Recorded, VersionStatus.Failed);
        return new JsonObject { ["rolledBack"] = true };
    }

    private (string Service, string Label) Record(string function, JsonObject input)
    {
        var service = (string)input["service"]!;
        var label = (string?)input["label"] ?? "-";
        Calls.Enqueue($"{function} {service} {label}");
        return (service, label);
    }
}
