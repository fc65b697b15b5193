namespace Pipeline.Core.Errors;

/// <summary>
/// A dependency failed in a way that a later attempt can succeed: a connection reset or refused, a
/// response cut short, a 5xx, throttling, a timeout. Every Lambda Task retries it with backoff, so a
/// blip never rolls a deploy back; anything not classified so still fails fast.
/// </summary>
public sealed class TransientException(string message, Exception? inner = null) : PipelineException(message, inner)
{
    public const string Name = "Pipeline.Transient";

    public override string ErrorType => Name;
}
