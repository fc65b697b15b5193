namespace Pipeline.Core.Errors;

/// <summary>The routing table or the config rendered from it broke a rule; nothing was published.</summary>
public sealed class RoutingTableInvalidException(IReadOnlyList<string> problems)
    : PipelineException("routing table is invalid: " + string.Join("; ", problems))
{
    public const string Name = "Pipeline.RoutingTableInvalid";

    public IReadOnlyList<string> Problems { get; } = problems;

    public override string ErrorType => Name;
}

/// <summary>Another publisher held the routes lease for longer than this one would wait. Retryable.</summary>
public sealed class RoutesBusyException(string message) : PipelineException(message)
{
    public const string Name = "Pipeline.RoutesBusy";

    public override string ErrorType => Name;
}

/// <summary>The publisher's lease expired and another publisher took it before the commit. Retryable.</summary>
public sealed class RoutesLeaseLostException(string message, Exception? inner = null) : PipelineException(message, inner)
{
    public const string Name = "Pipeline.RoutesLeaseLost";

    public override string ErrorType => Name;
}

/// <summary>
/// The version going live routes a host and path that another service's live version routes.
/// Nothing was published or claimed; the deploy rolls back.
/// </summary>
public sealed class RouteConflictException(IReadOnlyList<string> conflicts)
    : PipelineException("route conflict: " + string.Join("; ", conflicts))
{
    public const string Name = "Pipeline.RouteConflict";

    public IReadOnlyList<string> Conflicts { get; } = conflicts;

    public override string ErrorType => Name;
}
