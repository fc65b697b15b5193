namespace Pipeline.Local.Aws.CloudFormation;

/// <summary>How to read a template: the stack identity, parameter overrides and local values.</summary>
public sealed record TemplateOptions
{
    public StackContext Stack { get; init; } = new();

    /// <summary>Values for declared parameters; naming a parameter the template does not declare is an error.</summary>
    public IReadOnlyDictionary<string, string> ParameterOverrides { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// What parameters mean on this machine (the router's front port, placeholder VPC ids): used in
    /// place of a declared parameter's Default unless it is overridden; a parameter the template
    /// does not declare is skipped, so one set of local values fits every template. Defaults to
    /// <see cref="LocalParameters.Values"/>; the stack adds its router's values with <see cref="LocalParameters.With"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string> LocalParameterValues { get; init; } = LocalParameters.Values;

    /// <summary>What !Ref and !GetAtt give; defaults to AWS's own ARNs in the local region and account.</summary>
    public ILocalResourceValues? Values { get; init; }
}
