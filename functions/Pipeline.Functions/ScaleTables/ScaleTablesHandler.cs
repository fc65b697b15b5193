using System.Text.Json;
using Pipeline.Core.Scaling;

namespace Pipeline.Functions.ScaleTables;

/// <summary>
/// Runs on the EventBridge schedule. The event carries nothing the scaler needs: every input comes
/// from the registry, DescribeTable and CloudWatch, so a missed or doubled tick is harmless. Input
/// that is not an event at all (not a JSON object) is refused before any table is read. The tick's
/// decisions go to the registry after it (<paramref name="decisions"/>), where the dashboard reads them.
/// </summary>
public sealed class ScaleTablesHandler(TableScaler scaler, RecordedScalingLog? decisions = null) : IFunctionHandler<JsonElement, ScaleTablesOutput>
{
    public async Task<ScaleTablesOutput> HandleAsync(JsonElement input, InvocationContext context)
    {
        if (input.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidInputException(
                $"the input must be a JSON object (the schedule's event, or {{}}), not {input.ValueKind.ToString().ToLowerInvariant()}");
        }

        var updates = await scaler.RunAsync(context.CancellationToken);
        if (decisions is not null)
        {
            await decisions.FlushAsync(context.CancellationToken);
        }

        return new ScaleTablesOutput(updates);
    }
}
