using System.Net.Http.Json;

namespace Pipeline.Aws.Local;

/// <summary>
/// The fleet off AWS: the local stack's fleet endpoint (<c>PIPELINE_FLEET_ENDPOINT</c>), which runs
/// each instance as a process started from the version's artifact, on its own loopback port.
/// <c>POST /fleet/instances</c> (secrets travel as parameter names, resolved by the fleet at each
/// instance's start, as the instance's start script does on EC2), <c>GET /fleet/instances?service=&amp;version=</c>, <c>POST /fleet/terminate</c>.
/// The functions ship it (<see cref="Fleet.FleetFromEnvironment"/> composes it when that endpoint is set), which is why it
/// is in Pipeline.Aws, under Local/ with every adapter that talks to the local stack rather than to AWS.
/// </summary>
public sealed class LocalFleetClient(HttpClient http, Uri endpoint) : IInstanceFleet
{
    public async Task<IReadOnlyList<FleetInstance>> LaunchAsync(InstanceLaunch launch, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var request = new LocalFleetLaunchRequest(launch.Service, launch.Label, launch.ArtifactKey, launch.ArtifactSha256, launch.Count,
            launch.Start, launch.Environment, launch.Secrets);
        return await SendAsync(HttpMethod.Post, "fleet/instances", JsonContent.Create(request, LocalFleetJson.Default.LocalFleetLaunchRequest), cancel);
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
            var request = new LocalFleetTerminateRequest([.. instanceIds]);
            await SendAsync(HttpMethod.Post, "fleet/terminate", JsonContent.Create(request, LocalFleetJson.Default.LocalFleetTerminateRequest), cancel);
        }
    }

    private async Task<IReadOnlyList<FleetInstance>> SendAsync(HttpMethod method, string path, HttpContent? body, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(method, new Uri(endpoint, path)) { Content = body };

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
            LocalFleetAnswer? answer;
            try
            {
                answer = text.Length == 0 ? null : JsonSerializer.Deserialize(text, LocalFleetJson.Default.LocalFleetAnswer);
            }
            catch (JsonException) when (!response.IsSuccessStatusCode)
            {
                answer = null; // not the fleet's own refusal: the body says what happened
            }

            if (!response.IsSuccessStatusCode)
            {
                var what = $"the local fleet refused {method} /{path.Split('?')[0]}: {answer?.ErrorMessage ?? text}";
                throw (int)response.StatusCode >= 500 || response.StatusCode == System.Net.HttpStatusCode.TooManyRequests
                    ? new TransientException(what)
                    : new LaunchFailedException(what);
            }

            return [.. (answer?.Instances ?? []).Select(i => new FleetInstance(i.InstanceId, i.Service, i.Version, i.Address, i.Port, i.State))];
        }
    }
}
