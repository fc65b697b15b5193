using Pipeline.Core.Deploy;

namespace Pipeline.Functions.ResolveVersion;

/// <summary>Looks up the version a run deploys: Pipeline.VersionNotFound when the registry has no such label.</summary>
public sealed class ResolveVersionHandler(VersionResolver resolver) : IFunctionHandler<ResolveVersionInput, ResolvedVersion>
{
    public async Task<ResolvedVersion> HandleAsync(ResolveVersionInput input, InvocationContext context)
    {
        var resolved = await resolver.ResolveAsync(input.Service, input.Version, context.CancellationToken);
        Console.WriteLine($"{context.RequestId} {resolved.Service} {resolved.Label} replaces {resolved.PreviousLabel ?? "nothing"}");
        return resolved;
    }
}
