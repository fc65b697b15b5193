using System.Text.Json;
using Pipeline.Core.Scaling;
using Pipeline.Lambda;

namespace Pipeline.Functions.ScaleTables;

/// <summary>
/// Runs on the EventBridge schedule. The event carries nothing the scaler needs: every input comes
/// from the registry, DescribeTable and CloudWatch, so a missed or doubled tick is harmless.
/// </summary>
public sealed class ScaleTablesHandler(TableScaler scaler) : IFunctionHandler<JsonElement, ScaleTablesOutput>
{
    public async Task<ScaleTablesOutput> HandleAsync(JsonElement input, InvocationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var updates = await scaler.RunAsync(context.CancellationToken);
        return new ScaleTablesOutput(updates);
    }
}
