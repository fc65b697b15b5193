namespace Pipeline.Local.Tests;

/// <summary>The settings `pipeline up` reads for itself: documented, defaulted, and refused when malformed.</summary>
public sealed class StackSettingsTests
{
    [Fact]
    public void StackSettings_ShouldBeDocumentedInTheReadmeAsOneTable()
    {
        var readme = File.ReadAllText(Path.Combine(FunctionBinaries.RepositoryRoot, "README.md")).ReplaceLineEndings("\n");

        Assert.Contains(LocalOnlySettings.StackMarkdownTable(), readme, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 300)]
    [InlineData("", 300)]
    [InlineData("60", 60)]
    [InlineData("0", null)]
    public void FunctionIdle_WhenSetOrNot_ShouldBeTheSecondsTheDefaultOrNever(string? value, int? seconds)
    {
        var idle = LocalOnlySettings.FunctionIdle(name => name == LocalOnlySettings.FunctionIdleSecondsVariable ? value : null);

        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, idle);
    }

    [Theory]
    [InlineData("5m")]
    [InlineData("-5")]
    [InlineData("1.5")]
    public void FunctionIdle_WhenMalformed_ShouldFailNamingTheVariable(string value)
    {
        var error = Assert.Throws<StackFailureException>(() => LocalOnlySettings.FunctionIdle(_ => value));

        Assert.Contains(LocalOnlySettings.FunctionIdleSecondsVariable, error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", error.Message, StringComparison.Ordinal);
    }
}
