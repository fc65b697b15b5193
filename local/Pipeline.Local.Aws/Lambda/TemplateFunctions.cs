using Pipeline.Local.Aws.CloudFormation;

namespace Pipeline.Local.Aws.Lambda;

/// <summary>
/// The template's functions as the local Lambda service runs them. The template is read by
/// <see cref="SamTemplate"/>, the one reader of template.yaml (Globals merged, every intrinsic
/// resolved, AWS-only parameters given their <see cref="LocalParameters"/>); this only points each
/// function at where it is published (<see cref="PublishedFunctions"/>).
/// </summary>
public static class TemplateFunctions
{
    /// <summary>One function of <paramref name="template"/>, with <paramref name="environment"/> in place of its template variables when given.</summary>
    public static FunctionDefinition Definition(
        SamTemplate template, FunctionDescription function, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(function);
        return new FunctionDefinition(
            function.Name,
            PublishedFunctions.EntryPoint(template.BaseDirectory, function),
            environment ?? function.Environment,
            TimeSpan.FromSeconds(function.TimeoutSeconds),
            function.MemorySize);
    }

    /// <summary>Every function of the template at <paramref name="templatePath"/>, named by logical id.</summary>
    public static IReadOnlyList<FunctionDefinition> Load(
        string templatePath,
        IReadOnlyDictionary<string, string>? parameterOverrides = null,
        LocalLambdaOptions? options = null)
    {
        var lambda = options ?? new LocalLambdaOptions();
        var template = SamTemplate.Load(templatePath, new TemplateOptions
        {
            Stack = new StackContext(Region: lambda.Region, AccountId: lambda.AccountId),
            ParameterOverrides = parameterOverrides ?? new Dictionary<string, string>(),
        });
        return [.. template.Functions.Select(f => Definition(template, f))];
    }

    /// <summary>The function <paramref name="logicalId"/> of the template at <paramref name="templatePath"/>.</summary>
    public static FunctionDefinition Load(string templatePath, string logicalId) =>
        Load(templatePath).SingleOrDefault(f => f.Name == logicalId)
        ?? throw new TemplateInvalidException($"Resources.{logicalId}: no such AWS::Serverless::Function in {templatePath}");
}
