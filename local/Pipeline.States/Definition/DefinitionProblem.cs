namespace Pipeline.States.Definition;

/// <summary>One reason a definition is invalid, located by a JSON-pointer-like path into the definition.</summary>
public sealed record DefinitionProblem(string Location, string Message)
{
    public override string ToString() => $"{(Location.Length == 0 ? "/" : Location)}: {Message}";
}

/// <summary>The definition is not valid Amazon States Language; every problem found is listed.</summary>
public sealed class InvalidDefinitionException : Exception
{
    public InvalidDefinitionException(IReadOnlyList<DefinitionProblem> problems)
        : base("Invalid state machine definition:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  " + p)))
    {
        Problems = problems;
    }

    public InvalidDefinitionException() : this([])
    {
    }

    public InvalidDefinitionException(string message) : base(message)
    {
        Problems = [new DefinitionProblem("", message)];
    }

    public InvalidDefinitionException(string message, Exception innerException) : base(message, innerException)
    {
        Problems = [new DefinitionProblem("", message)];
    }

    public IReadOnlyList<DefinitionProblem> Problems { get; } = [];
}
