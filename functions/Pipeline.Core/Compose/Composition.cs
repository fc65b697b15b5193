namespace Pipeline.Core.Compose;

/// <summary>
/// One request fanned out to several services: <c>compose:</c> in service.yaml. The composer on every
/// router answers <see cref="Method"/> <see cref="Path"/> by calling each of <see cref="Calls"/> at
/// once through the local HAProxy and joining their JSON bodies under the call names.
/// </summary>
/// <param name="Service">The service whose manifest declares it (the one that claims its prefix).</param>
/// <param name="Path">A path template such as <c>/storefront/customers/{customerId}</c>.</param>
/// <param name="Method">GET (bodies joined) or POST (the request body sent to every call).</param>
/// <param name="TimeoutMs">The whole composition never takes longer than this.</param>
/// <param name="Calls">Call name (a JSON key of the answer) to the call.</param>
/// <param name="Require">Calls whose failure fails the composition with 502; the others are left out.</param>
public sealed record Composition(
    string Service,
    string Path,
    string Method,
    int TimeoutMs,
    IReadOnlyDictionary<string, CompositionCall> Calls,
    IReadOnlyList<string> Require)
{
    public const int MinTimeoutMs = 10;
    public const int MaxTimeoutMs = 10_000;
    public const int DefaultTimeoutMs = 1_000;
    public const int MaxCalls = 16;

    /// <summary>The name the answer's failures are listed under, which is why no call may be called so.</summary>
    public const string ErrorsKey = "errors";

    /// <summary>What the composition's route claims: the path up to its first <c>{parameter}</c>.</summary>
    [JsonIgnore]
    public string StaticPrefix => PathTemplate.Parse(Path).StaticPrefix;
}

/// <param name="Service">The service called, by name: the composer sends the call to its backend.</param>
/// <param name="Path">The path called, with the composition's <c>{parameters}</c> URL-encoded in.</param>
public sealed record CompositionCall(string Service, string Path);
