using Pipeline.Core.Fleet;

namespace Pipeline.Functions.RetireVersion;

/// <summary>The last deploy step: the replaced version retired, its instances terminated.</summary>
public sealed class RetireVersionHandler(VersionRetirement retirement) : IFunctionHandler<RetireVersionInput, RetireVersionOutput>
{
    public async Task<RetireVersionOutput> HandleAsync(RetireVersionInput input, InvocationContext context)
    {
        var result = await retirement.RetireAsync(input.Service, input.Label, input.ReplacedBy, context.CancellationToken);
        Console.WriteLine($"{context.RequestId} {input.Service} {input.Label} replaced by {input.ReplacedBy}: "
            + $"retired={result.Retired} terminated=[{string.Join(", ", result.Terminated)}]");
        return new RetireVersionOutput(input.Service, input.Label, result.Retired, result.Terminated);
    }
}
