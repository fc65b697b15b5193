namespace Pipeline.Core.Errors;

/// <summary>
/// A service declared a route or a table another service already owns. The message names the
/// field, the contested route or table, and both services.
/// </summary>
public sealed class OwnershipConflictException(IReadOnlyList<string> conflicts)
    : PipelineException(string.Join('\n', conflicts))
{
    public const string Name = "Pipeline.OwnershipConflict";

    public IReadOnlyList<string> Conflicts { get; } = conflicts;

    public override string ErrorType => Name;
}
