namespace Pipeline.Template.Tests;

/// <summary>
/// The composer's systemd unit has one definition, agents/Pipeline.Composer/pipeline-composer.service:
/// the RouterAgentLayer target publishes it with the composer into the layer's composer/ folder, and
/// the router user data installs it from where the layer is unpacked. These keep the three in step.
/// </summary>
public sealed class ComposerUnitTests
{
    private const string LayerRoot = "/opt/pipeline-router-agent";
    private static readonly string Unit = File.ReadAllText(RepositoryRoot.Combine("agents/Pipeline.Composer/pipeline-composer.service"));

    [Fact]
    public void RouterUserData_InstallsThePublishedUnitFromTheLayerAndDefinesNoOther()
    {
        var userData = RouterUserData();

        Assert.Contains($"unzip -oq /tmp/agent.zip -d {LayerRoot}\n", userData, StringComparison.Ordinal);
        Assert.Contains($"install -m 0644 {LayerRoot}/composer/pipeline-composer.service /etc/systemd/system/\n", userData, StringComparison.Ordinal);
        Assert.DoesNotContain("cat > /etc/systemd/system/pipeline-composer.service", userData, StringComparison.Ordinal);
        Assert.Contains("systemctl enable --now pipeline-router-agent pipeline-composer", userData, StringComparison.Ordinal);
    }

    [Fact]
    public void Unit_RunsTheComposerWhereTheLayerPutsItAndRestartsItAlways()
    {
        Assert.Contains($"\nExecStart=/usr/bin/dotnet {LayerRoot}/composer/pipeline-composer.dll\n", Unit, StringComparison.Ordinal);
        Assert.Contains("\nRestart=always\n", Unit, StringComparison.Ordinal);
        Assert.Contains("\nDynamicUser=yes\n", Unit, StringComparison.Ordinal);
    }

    [Fact]
    public void RouterAgentLayer_PublishesTheComposerWithItsUnitIntoComposerFolder()
    {
        var plan = TemplateTools.Run("make", ["-n", "build-RouterAgentLayer", "ARTIFACTS_DIR=/tmp/layer"]);
        Assert.True(plan.ExitCode == 0, plan.Output);
        Assert.Contains("agents/Pipeline.Composer/Pipeline.Composer.csproj", plan.Output, StringComparison.Ordinal);
        Assert.Contains("-o \"/tmp/layer/composer\"", plan.Output, StringComparison.Ordinal);

        var output = Path.Combine(Path.GetTempPath(), $"composer-publish-{Guid.NewGuid():N}");
        try
        {
            var published = TemplateTools.Run("dotnet",
                ["publish", RepositoryRoot.Combine("agents/Pipeline.Composer/Pipeline.Composer.csproj"), "-c", "Release", "--nologo", "-clp:ErrorsOnly", "-o", output]);
            Assert.True(published.ExitCode == 0, published.Output);
            Assert.Equal(Unit, File.ReadAllText(Path.Combine(output, "pipeline-composer.service")));
            Assert.True(File.Exists(Path.Combine(output, "pipeline-composer.dll")));
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    /// <summary>The router launch template's user data script, as written in template.yaml (its indentation removed).</summary>
    private static string RouterUserData()
    {
        var template = File.ReadAllText(RepositoryRoot.Combine("template.yaml"));
        var start = template.IndexOf("  RouterLaunchTemplate:\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "template.yaml has no RouterLaunchTemplate");
        var script = template.IndexOf("Fn::Base64: !Sub |\n", start, StringComparison.Ordinal);
        var lines = template[(template.IndexOf('\n', script) + 1)..].Split('\n');
        var indent = lines[0].Length - lines[0].TrimStart().Length;
        return string.Join('\n', lines.TakeWhile(l => l.Length == 0 || l.Length - l.TrimStart().Length >= indent)
            .Select(l => l.Length >= indent ? l[indent..] : l)) + "\n";
    }
}
