namespace Pipeline.Local.Aws.Tests.Lambda;

public sealed class TemplateFunctionsTests
{
    private static readonly string Template = Fixture.Path("templates", "functions.yaml");

    private static string Without(string text, string line) =>
        string.Join('\n', text.Split('\n').Where(l => !l.Contains(line, StringComparison.Ordinal)));

    private static string TemplateWithout(string line)
    {
        var path = Path.Combine(Path.GetDirectoryName(Template)!, $"template-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, Without(File.ReadAllText(Template), line));
        return path;
    }

    [Fact]
    public void Read_WhenFunctionsUseGlobalsAndRefs_ShouldMergeAndResolveThem()
    {
        var functions = TemplateFunctions.Load(TemplateWithout("!ImportValue"));

        var first = functions.Single(f => f.Name == "FirstFunction");
        Assert.Equal(Fixture.Path("templates", "build", "First", "First.dll"), first.Handler);
        Assert.Equal(TimeSpan.FromSeconds(30), first.Timeout);
        Assert.Equal(256, first.MemoryMb);
        Assert.Equal("main", first.Environment["PIPELINE_DEPLOY_BRANCH"]);
        Assert.Equal("overridden", first.Environment["SHARED"]);
        Assert.Equal("pipeline-Registry", first.Environment["TABLE"]);
        Assert.Equal("pipeline-local-us-east-1", first.Environment["BUCKET"]);
        Assert.DoesNotContain(functions, f => f.Name == "Registry");
    }

    [Fact]
    public void Read_WhenRuntimeIsCustom_ShouldRunBootstrapWithOwnTimeoutAndMemory()
    {
        var second = TemplateFunctions.Load(TemplateWithout("!ImportValue"), "SecondFunction");

        Assert.Equal("bootstrap", Path.GetFileName(second.Handler));
        Assert.Equal(TimeSpan.FromSeconds(5), second.Timeout);
        Assert.Equal(1024, second.MemoryMb);
        Assert.Equal("from-globals", second.Environment["SHARED"]);
    }

    [Fact]
    public void Read_WhenParameterIsOverridden_ShouldUseTheOverride()
    {
        var first = TemplateFunctions.Load(TemplateWithout("!ImportValue"), new Dictionary<string, string> { ["DeployBranch"] = "release" })
            .Single(f => f.Name == "FirstFunction");

        Assert.Equal("release", first.Environment["PIPELINE_DEPLOY_BRANCH"]);
    }

    [Fact]
    public void Read_WhenIntrinsicIsNotUnderstood_ShouldNameTheFunctionAndVariable()
    {
        var error = Assert.Throws<TemplateInvalidException>(() => TemplateFunctions.Load(Template));

        Assert.Contains("Broken.Properties.Environment.Variables.ARN", error.Message, StringComparison.Ordinal);
        Assert.Contains("Fn::ImportValue", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WhenRepositoryTemplate_ShouldFindNormalizeTriggerWhereBuildPublishesIt()
    {
        var root = Pipeline.Tests.Shared.FunctionBinaries.RepositoryRoot;

        var function = TemplateFunctions.Load(Path.Combine(root, "template.yaml"), "NormalizeTriggerFunction");

        Assert.Equal(Path.Combine(root, ".build", "functions", "NormalizeTrigger", "NormalizeTrigger.dll"), function.Handler);
        Assert.Equal("main", function.Environment["PIPELINE_DEPLOY_BRANCH"]);
    }
}
