namespace Pipeline.Local.Tests;

public sealed class TemplateCommandTests
{
    [Fact]
    public void Functions_WhenRepositoryTemplate_ShouldListEveryFunctionWithItsHandlerAsBuildShPackageReadsIt()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = TemplateCommand.Run(RepositoryRoot.Combine("template.yaml"), t => t.Functions.Select(f => $"{f.LogicalId} {f.Handler}"), output, error);

        Assert.Equal(0, exit);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("NormalizeTriggerFunction NormalizeTrigger", lines);
        Assert.All(lines, l => Assert.Matches(@"\A[A-Za-z0-9]+Function [A-Za-z0-9]+\z", l));
        Assert.Equal(Directory.GetDirectories(RepositoryRoot.Combine("functions/Pipeline.Functions")).Length, lines.Length);
    }

    [Fact]
    public void Functions_WhenTemplateCannotBeRead_ShouldExitOneNamingTheProblem()
    {
        var path = Path.Combine(Path.GetTempPath(), $"template-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties: { Runtime: dotnet10 }\n");
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = TemplateCommand.Run(path, t => t.Functions.Select(f => f.LogicalId), output, error);

        Assert.Equal(1, exit);
        Assert.Empty(output.ToString());
        Assert.Contains("Resources.F.Properties.Handler", error.ToString(), StringComparison.Ordinal);
    }
}
