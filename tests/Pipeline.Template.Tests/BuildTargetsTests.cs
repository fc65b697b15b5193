using Pipeline.Local.Aws.CloudFormation;
using Pipeline.Local.Aws.Lambda;

namespace Pipeline.Template.Tests;

/// <summary>
/// `sam build` builds each function by running the Makefile's build-&lt;LogicalId&gt; target
/// (BuildMethod: makefile), and ./build.sh package runs the same targets: every function the
/// template names must have one that publishes its own project.
/// </summary>
public sealed class BuildTargetsTests
{
    private static SamTemplate Template() => SamTemplate.Load(RepositoryRoot.Combine("template.yaml"));

    public static TheoryData<string> FunctionIds() => [.. Template().Functions.Select(f => f.LogicalId)];

    [Theory]
    [MemberData(nameof(FunctionIds))]
    public void Function_IsBuiltBySamWithTheMakefileTargetOfItsOwnProject(string logicalId)
    {
        var function = Template().Functions.Single(f => f.LogicalId == logicalId);

        Assert.Equal("makefile", function.BuildMethod);
        Assert.Equal(function.Handler + "Function", function.LogicalId);
        var plan = TemplateTools.Run("make", ["-n", $"build-{logicalId}", "ARTIFACTS_DIR=/tmp/sam-artifacts"]);
        Assert.True(plan.ExitCode == 0, plan.Output);
        Assert.Contains($"functions/Pipeline.Functions/{function.Handler}/{function.Handler}.csproj", plan.Output, StringComparison.Ordinal);
        Assert.Contains("-o \"/tmp/sam-artifacts\"", plan.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void MakeTarget_WithoutArtifactsDir_FailsAndSaysWhy()
    {
        var result = TemplateTools.Run("make", ["build-NormalizeTriggerFunction"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("ARTIFACTS_DIR is not set", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void MakeTarget_ForUnknownFunction_FailsAndNamesTheMissingProject()
    {
        var result = TemplateTools.Run("make", ["build-NoSuchFunction", "ARTIFACTS_DIR=/tmp/none"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("functions/Pipeline.Functions/NoSuch/NoSuch.csproj", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void MakeTarget_PublishesTheSameFilesAsThePackageStep()
    {
        var artifacts = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"sam-artifacts-{Guid.NewGuid():N}");

        var result = TemplateTools.Run("make", ["build-ResolveVersionFunction", $"ARTIFACTS_DIR={artifacts}"]);

        Assert.True(result.ExitCode == 0, result.Output);
        var published = TemplateFunctions.Load(RepositoryRoot.Combine("template.yaml"), "ResolveVersionFunction");
        Assert.Equal(RepositoryRoot.Combine(".build/functions/ResolveVersion/ResolveVersion.dll"), published.Handler);
        Assert.Equal(Files(published.TaskRoot), Files(artifacts));
        Assert.True(File.Exists(System.IO.Path.Combine(artifacts, "ResolveVersion.runtimeconfig.json")),
            "a framework-dependent console program needs its runtimeconfig for `dotnet exec` on the dotnet10 runtime");
    }

    private static string[] Files(string directory) =>
        [.. Directory.GetFiles(directory, "*", SearchOption.AllDirectories)
            .Select(f => System.IO.Path.GetRelativePath(directory, f)).Order(StringComparer.Ordinal)];
}
