using Pipeline.States.History;

namespace Pipeline.States.Tests.Support;

internal static class Run
{
    public static async Task<(ExecutionResult Result, IReadOnlyList<HistoryEvent> Events)> Async(
        string definitionJson, string inputJson, EngineOptions? options = null, CancellationToken cancellationToken = default)
    {
        var history = new InMemoryHistory();
        var engine = new StatesEngine(options ?? new EngineOptions { WaitTimeScale = 0 });
        var result = await engine.RunAsync(
            DefinitionParser.Parse(definitionJson),
            JsonNode.Parse(inputJson),
            ExecutionIdentity.Local("Test", "run-1", DateTimeOffset.UtcNow),
            history,
            cancellationToken);
        return (result, history.Events);
    }
}
