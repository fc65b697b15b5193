namespace Pipeline.Functions.NormalizeTrigger;

/// <summary>
/// First step of every run. The input stays a JSON document because a trigger arrives in one of
/// three shapes, which only the normalizer tells apart; it calls no AWS service.
/// </summary>
public sealed class NormalizeTriggerHandler(TriggerNormalizer normalizer) : IFunctionHandler<JsonElement, PipelineRequest>
{
    public Task<PipelineRequest> HandleAsync(JsonElement input, InvocationContext context)
    {
        var request = normalizer.Normalize(input);
        Console.WriteLine($"{context.RequestId} {request.Source} {request.Action} {request.Service}: {request.Reason}");
        return Task.FromResult(request);
    }
}
