namespace Pipeline.Core.Scaling.Simulation;

/// <summary>What a replay of a trace cost and how well it served the demand.</summary>
public sealed record SimulationSummary(
    string Policy,
    int Minutes,
    double ThrottledReadUnits,
    double ThrottledWriteUnits,
    double ReadCapacityUnitHours,
    double WriteCapacityUnitHours,
    double CostDollars,
    int Updates,
    int MaxDecreasesPerUtcDay,
    int QuotaViolations,
    int BoundViolations);

/// <summary>A summary plus the capacity in effect during each minute of the trace.</summary>
public sealed record SimulationResult(SimulationSummary Summary, IReadOnlyList<Throughput> Capacity);
