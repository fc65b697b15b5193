using Pipeline.Core.Routing;

namespace Pipeline.Functions.PublishRoutes;

/// <summary>The routing step: registry in, haproxy.cfg and its pointer in S3 out.</summary>
public sealed class PublishRoutesHandler(RegistryRoutesPublisher publication) : IFunctionHandler<PublishRoutesInput, PublishRoutesOutput>
{
    public async Task<PublishRoutesOutput> HandleAsync(PublishRoutesInput input, InvocationContext context)
    {
        var change = input.Service is null ? null : new RouteSwitch(input.Service, input.Label!, input.Targets!, input.PreviousLabel);
        var (result, table) = await publication.PublishAsync(change, context.CancellationToken);
        var current = result.Current;
        return new PublishRoutesOutput(result.Published, current.Version, current.Sha256, current.Key, current.Previous?.Version,
            table.Services.Count, table.Services.Sum(s => s.Targets.Count));
    }
}
