namespace Pipeline.Lambda;

/// <summary>A function's typed entry point. Handlers stay thin: the logic lives in Pipeline.Core.</summary>
public interface IFunctionHandler<in TIn, TOut>
{
    /// <summary>
    /// Called only by the runtime loop, with an input that is never null (a null payload is
    /// <c>Pipeline.InvalidInput</c> before any handler runs) and already validated when it is <see cref="IValidatable"/>.
    /// </summary>
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
