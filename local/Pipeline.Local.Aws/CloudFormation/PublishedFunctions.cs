namespace Pipeline.Local.Aws.CloudFormation;

/// <summary>
/// Where a template's function is published. A function SAM builds itself
/// (<c>Metadata: BuildMethod: makefile</c>, CodeUri the sources) is published by the Makefile's
/// <c>build-&lt;LogicalId&gt;</c> target, which <c>./build.sh package</c> and the local stack run
/// with <c>ARTIFACTS_DIR=.build/functions/&lt;Handler&gt;</c>. Any other CodeUri already holds the
/// built code, as <c>sam package</c> would zip it.
/// </summary>
public static class PublishedFunctions
{
    public static string Directory(string templateDirectory, FunctionDescription function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return function.BuildMethod is null
            ? Path.GetFullPath(function.CodeUri ?? ".", templateDirectory)
            : Path.Combine(templateDirectory, ".build", "functions", function.Handler);
    }

    /// <summary>What the runtime starts: <c>&lt;Handler&gt;.dll</c> on dotnet, <c>bootstrap</c> on a custom runtime.</summary>
    public static string EntryPoint(string templateDirectory, FunctionDescription function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var entry = function.Runtime.StartsWith("provided", StringComparison.Ordinal) ? "bootstrap" : function.Handler + ".dll";
        return Path.Combine(Directory(templateDirectory, function), entry);
    }
}
