namespace Pipeline.Lambda;

/// <summary>A function's typed entry point. Handlers stay thin: the logic lives in Pipeline.Core.</summary>
public interface IFunctionHandler<in TIn, TOut>
{
    Task<TOut> HandleAsync(TIn input, InvocationContext context);
}

/// <summary>
/// An input record that can check itself after deserialization. Throw
/// <see cref="Pipeline.Core.Errors.InvalidInputException"/> naming the offending field.
/// </summary>
public interface IValidatable
{
    void Validate();
}
