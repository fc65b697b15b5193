using System.Text.Json.Serialization.Metadata;

namespace Pipeline.Lambda;

/// <summary>
/// Runs a function the way AWS runs an executable-model .NET function: a loop over the Runtime API
/// at <c>AWS_LAMBDA_RUNTIME_API</c>. Program.Main composes adapters inside <paramref name="init"/>
/// (failures there go to /init/error and the process exits non-zero), then hands over here.
/// </summary>
public static class LambdaRuntime
{
    public static Task<int> RunAsync<TIn, TOut>(
        Func<Task<IFunctionHandler<TIn, TOut>>> init,
        JsonTypeInfo<TIn> input,
        JsonTypeInfo<TOut> output,
        CancellationToken stop = default)
    {
        throw new NotImplementedException("the Runtime API loop is being written");
    }
}
