using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Aws.Fleet;

/// <summary>
/// The fleet off AWS: the local stack's fleet endpoint (<c>PIPELINE_FLEET_ENDPOINT</c>), which runs
/// each instance as a process started from the version's artifact, on its own loopback port.
/// <c>POST /fleet/instances</c> (secrets travel as parameter names, resolved by the fleet at each
/// instance's start, as the instance's start script does on EC2), <c>GET /fleet/instances?service=&amp;version=</c>, <c>POST /fleet/terminate</c>.
/// </summary>
public sealed class HttpFleet(HttpClient http, Uri endpoint) : IInstanceFleet
{
    public async Task<IReadOnlyList<FleetInstance>> LaunchAsync(InstanceLaunch launch, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var environment = new JsonObject();
        foreach (var (name, value) in launch.Environment)
        {
            environment[name] = value;
        }

        var secrets = new JsonObject();
        foreach (var (name, parameter) in launch.Secrets)
        {
            secrets[name] = parameter;
        }

        var body = new JsonObject
        {
            ["service"] = launch.Service,
            ["version"] = launch.Label,
            ["artifactKey"] = launch.ArtifactKey,
            ["artifactSha256"] = launch.ArtifactSha256,
            ["count"] = launch.Count,
            ["start"] = launch.Start,
            ["environment"] = environment,
            ["secrets"] = secrets,
        };
        return await SendAsync(HttpMethod.Post, "fleet/instances", body, cancel);
    }

    public async Task<IReadOnlyList<FleetInstance>> FindAsync(string service, string label, CancellationToken cancel = default)
    {
        var path = $"fleet/instances?service={Uri.EscapeDataString(service)}&version={Uri.EscapeDataString(label)}";
        return [.. (await SendAsync(HttpMethod.Get, path, null, cancel)).Where(i => !i.IsGone)];
    }

    public async Task TerminateAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(instanceIds);
        if (instanceIds.Count > 0)
        {
            await SendAsync(HttpMethod.Post, "fleet/terminate", new JsonObject { ["instanceIds"] = new JsonArray([.. instanceIds.Select(i => (JsonNode)i)]) }, cancel);
        }
    }

    private async Task<IReadOnlyList<FleetInstance>> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(method, new Uri(endpoint, path));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancel);
        }
        catch (HttpRequestException e)
        {
            // The fleet restarting or briefly overloaded is not a reason to roll a deploy back.
            throw new TransientException($"the local fleet at {endpoint} does not answer: {e.Message}", e);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancel);
            var json = text.Length == 0 ? null : JsonNode.Parse(text) as JsonObject;
            if (!response.IsSuccessStatusCode)
            {
                var message = (string?)json?["errorMessage"] ?? text;
                var what = $"the local fleet refused {method} /{path.Split('?')[0]}: {message}";
                throw (int)response.StatusCode >= 500 || response.StatusCode == System.Net.HttpStatusCode.TooManyRequests
                    ? new TransientException(what)
                    : new LaunchFailedException(what);
            }

            return [.. (json?["instances"] as JsonArray ?? []).OfType<JsonObject>().Select(i => new FleetInstance(
                (string)i["instanceId"]!,
                (string)i["service"]!,
                (string)i["version"]!,
                (string)i["address"]!,
                (int)i["port"]!,
                (string)i["state"]!))];
        }
    }
}
