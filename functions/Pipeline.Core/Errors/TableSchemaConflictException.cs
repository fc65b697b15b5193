namespace Pipeline.Core.Errors;

/// <summary>
/// A manifest asks for a change DynamoDB cannot make in place (a table's key schema, an existing
/// index's keys) or the pipeline will not make (dropping anything). Raised before any change.
/// </summary>
public sealed class TableSchemaConflictException(IReadOnlyList<string> conflicts)
    : PipelineException("Tables cannot be changed as declared:\n" + string.Join('\n', conflicts))
{
    public const string Name = "Pipeline.TableSchemaConflict";

    public IReadOnlyList<string> Conflicts { get; } = conflicts;

    public override string ErrorType => Name;
}
