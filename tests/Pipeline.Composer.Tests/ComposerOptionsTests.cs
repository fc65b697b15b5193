namespace Pipeline.Composer.Tests;

public sealed class ComposerOptionsTests
{
    [Fact]
    public void Parse_WhenBothCommandLineAndEnvironmentSetAnOption_ShouldTakeTheCommandLine()
    {
        var env = new Dictionary<string, string> { ["PIPELINE_COMPOSER_PORT"] = "9000", ["PIPELINE_COMPOSER_RELOAD_MS"] = "500" };

        var options = ComposerOptions.Parse(["--port", "9100"], env.GetValueOrDefault);

        Assert.Equal(9100, options.Port);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.ReloadInterval);
        Assert.Equal("/etc/haproxy/haproxy.cfg", options.ConfigPath);
    }

    [Fact]
    public void Parse_WhenAnOptionHasNoValue_ShouldRefuseWithTheUsage()
    {
        var error = Assert.Throws<ArgumentException>(() => ComposerOptions.Parse(["--port"], _ => null));

        Assert.StartsWith("unexpected argument '--port'\n", error.Message, StringComparison.Ordinal);
        Assert.Contains(ComposerOptions.Usage, error.Message, StringComparison.Ordinal);
    }
}
