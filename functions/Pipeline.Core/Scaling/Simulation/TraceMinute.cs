namespace Pipeline.Core.Scaling.Simulation;

/// <summary>One minute of a trace: units per second the table would consume if it were never throttled.</summary>
public readonly record struct TraceMinute(double Read, double Write);
