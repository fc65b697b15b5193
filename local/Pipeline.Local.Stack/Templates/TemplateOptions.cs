namespace Pipeline.Local.Stack.Templates;

/// <summary>How to read a template: the stack identity, parameter overrides and local values.</summary>
public sealed record TemplateOptions
{
    public StackContext Stack { get; init; } = new();

    public IReadOnlyDictionary<string, string> ParameterOverrides { get; init; } = new Dictionary<string, string>();

    /// <summary>What !Ref and !GetAtt give; defaults to AWS's own ARNs in the local region and account.</summary>
    public ILocalResourceValues? Values { get; init; }
}
