namespace Pipeline.EndToEnd.Tests.Faults;

/// <summary>
/// One fault case's figures: requests through the front port while it ran, the run's outcome,
/// the invariants afterwards, and what the case expected that did not happen (empty when it passed).
/// </summary>
internal sealed record FaultResult(string Fault, FrontLoadResult Traffic, string Outcome, InvariantReport Invariants, IReadOnlyList<string> Problems)
{
    /// <summary>A row of README's reliability table.</summary>
    public string Row() => string.Create(CultureInfo.InvariantCulture,
        $"| {Fault} | {Traffic.Sent} | {Traffic.Failed} | {Outcome} | {(Invariants.Violated.Count == 0 ? "all" : "all but: " + string.Join(", ", Invariants.Violated))} |");

    public override string ToString() =>
        $"{Fault}: load {Traffic}; outcome {Outcome}; invariants: {Invariants}" + (Problems.Count == 0 ? "" : "\n  PROBLEMS: " + string.Join("\n  ", Problems));

    /// <summary>Appends the row to the file BENCH_REPORT names (bench/faults.sh), if any.</summary>
    public void Report()
    {
        if (Environment.GetEnvironmentVariable("BENCH_REPORT") is { Length: > 0 } file)
        {
            File.AppendAllText(file, Row() + "\n");
        }
    }
}
