using System.Text.Json.Serialization;
using Pipeline.Core.Errors;

namespace Pipeline.Lambda.Tests;

internal sealed record Order(string Item, int Quantity) : IValidatable
{
    public void Validate()
    {
        if (Quantity <= 0)
        {
            throw new InvalidInputException($"quantity must be positive, got {Quantity}");
        }
    }
}

internal sealed record Receipt(string Item, int Quantity, string RequestId, string? TraceId);

internal sealed class OutOfStockException(string item) : PipelineException($"{item} is out of stock")
{
    public override string ErrorType => "Pipeline.OutOfStock";
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(Receipt))]
internal sealed partial class TestJson : JsonSerializerContext;

/// <summary>A handler whose behaviour each test picks by the item it orders.</summary>
internal sealed class OrderHandler(TimeProvider? time = null) : IFunctionHandler<Order, Receipt>
{
    public async Task<Receipt> HandleAsync(Order input, InvocationContext context)
    {
        switch (input.Item)
        {
            case "out-of-stock":
                throw new OutOfStockException(input.Item);
            case "crash":
                throw new InvalidOperationException("the warehouse is on fire");
            case "slow":
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
                break;
            case "patient":
                try
                {
                    await Task.Delay(Timeout.Infinite, context.CancellationToken);
                }
                catch (OperationCanceledException)
                {
                    // Reports how much time the token left it before the deadline.
                    var left = (int)(context.Deadline - (time ?? TimeProvider.System).GetUtcNow()).TotalMilliseconds;
                    return new Receipt(input.Item, left, context.RequestId, null);
                }

                break;
        }

        return new Receipt(input.Item, input.Quantity, context.RequestId,
            Environment.GetEnvironmentVariable("_X_AMZN_TRACE_ID"));
    }
}
