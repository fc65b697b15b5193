namespace Pipeline.Template.Tests;

/// <summary>
/// CloudFormation rejects a whole stack for one bad property, and nothing local would notice: the
/// template must stay clean under cfn-lint, as written and after the SAM transform (where policy
/// templates, roles and rules are expanded), with no error and no warning.
/// </summary>
public sealed class CfnLintTests
{
    [Fact]
    public void CfnLint_OnTemplateAsWritten_ReportsNothing()
    {
        var result = TemplateTools.CfnLint(RepositoryRoot.Combine("template.yaml"));

        Assert.True(result.ExitCode == 0 && result.Output.Trim().Length == 0,
            $"cfn-lint template.yaml exited {result.ExitCode}:\n{result.Output}");
    }

    [Fact]
    public void CfnLint_OnTransformedTemplate_ReportsNothing()
    {
        var transformed = TemplateTools.Transform(RepositoryRoot.Combine("template.yaml"));

        var result = TemplateTools.CfnLint(transformed);

        Assert.True(result.ExitCode == 0 && result.Output.Trim().Length == 0,
            $"cfn-lint on the SAM-transformed template exited {result.ExitCode}:\n{result.Output}");
    }

    [Fact]
    public void CfnLint_OnTemplateWithUnknownParameterType_Fails()
    {
        // The check itself must be able to fail: the parameter type typo that once reached main.
        var broken = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"template-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(broken, File.ReadAllText(RepositoryRoot.Combine("template.yaml"))
            .Replace("Type: AWS::EC2::VPC::Id", "Type: AWS::EC2::VpcId", StringComparison.Ordinal));

        var result = TemplateTools.CfnLint(broken);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("E2002", result.Output, StringComparison.Ordinal);
    }
}
