namespace Pipeline.Core.Scaling.Simulation;

/// <summary>
/// DynamoDB burst capacity for one dimension: unused provisioned capacity is retained, up to 300
/// seconds of the current provisioned rate, and spent when demand exceeds the provisioned rate.
/// Amounts are in capacity units (unit-seconds).
/// </summary>
internal sealed class BurstBucket
{
    public const int Seconds = 300;

    private double _units;

    /// <summary>Serves one minute of <paramref name="demand"/> units/s at <paramref name="capacity"/> units/s; returns the units served.</summary>
    public double Serve(double demand, long capacity)
    {
        var wanted = demand * 60;
        var provided = capacity * 60.0;
        _units = Math.Min(_units, capacity * (double)Seconds);
        if (wanted <= provided)
        {
            _units = Math.Min(capacity * (double)Seconds, _units + (provided - wanted));
            return wanted;
        }

        var served = Math.Min(wanted, provided + _units);
        _units -= served - provided;
        return served;
    }
}
