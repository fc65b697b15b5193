namespace Pipeline.Local.Aws.CloudFormation;

/// <summary>
/// template.yaml cannot be turned into local resources: a YAML error, an unsupported intrinsic or
/// a reference to something the template does not declare. The message names the property path.
/// </summary>
public sealed class TemplateInvalidException(string message, Exception? inner = null)
    : PipelineException(message, inner)
{
    public const string Name = "Pipeline.TemplateInvalid";

    public override string ErrorType => Name;
}
