using Pipeline.Local.Lambda;
using Pipeline.Local.Stack.Templates;

namespace Pipeline.Local.Template;

/// <summary>
/// The functions of a SAM template as the local Lambda service runs them, read by the same
/// <see cref="SamTemplate"/> reader as <c>./pipeline up</c> (Globals merged, every intrinsic
/// resolved, AWS-only parameters given their local values), each pointing at where it is
/// published (<see cref="PublishedFunctions"/>).
/// </summary>
public static class SamFunctionReader
{
    public static IReadOnlyList<FunctionDefinition> Read(
        string templatePath,
        IReadOnlyDictionary<string, string>? parameterOverrides = null,
        LocalLambdaOptions? options = null)
    {
        var lambda = options ?? new LocalLambdaOptions();
        var fullPath = Path.GetFullPath(templatePath);
        var baseDirectory = Path.GetDirectoryName(fullPath)!;
        var template = SamTemplate.Parse(
            File.ReadAllText(fullPath),
            new TemplateOptions
            {
                Stack = new StackContext(Region: lambda.Region, AccountId: lambda.AccountId),
                ParameterOverrides = parameterOverrides ?? new Dictionary<string, string>(),
                LocalParameterValues = LocalParameters.Values,
            },
            fullPath,
            baseDirectory);
        return [.. template.Functions.Select(f => new FunctionDefinition(
            f.LogicalId,
            PublishedFunctions.EntryPoint(baseDirectory, f),
            f.Environment,
            TimeSpan.FromSeconds(f.TimeoutSeconds),
            f.MemorySize))];
    }
}
