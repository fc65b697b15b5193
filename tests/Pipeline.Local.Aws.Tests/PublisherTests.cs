namespace Pipeline.Local.Aws.Tests;

/// <summary>
/// When <c>./pipeline up</c> republishes a function or rebuilds the router agent: file times only,
/// set by hand, so each case is exact.
/// </summary>
public sealed class PublisherTests : IDisposable
{
    private static readonly DateTime Noon = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    private readonly string _root = Directory.CreateTempSubdirectory("pipeline-builds-").FullName;
    private readonly string _source;
    private readonly string _output;

    public PublisherTests()
    {
        _source = Write("functions/Pipeline.Core/Plan.cs", Noon);
        _output = Write(".build/functions/Rollback/Rollback.dll", Noon.AddHours(-1));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void IsStale_WhenASourceIsNewerThanTheOutput_ShouldBeTrue()
    {
        Assert.True(Publisher.IsStale(_output, _root, ["functions/Pipeline.Core"]));
    }

    [Fact]
    public void MarkBuilt_WhenTheBuildLeftTheOutputUntouched_ShouldMakeItCurrent()
    {
        // MSBuild did not rewrite the handler's dll (only Core changed, its public surface did not).
        Publisher.MarkBuilt(_output, started: Noon.AddMinutes(1));

        Assert.False(Publisher.IsStale(_output, _root, ["functions/Pipeline.Core"]));
    }

    [Fact]
    public void MarkBuilt_WhenASourceChangedDuringTheBuild_ShouldLeaveItStale()
    {
        Publisher.MarkBuilt(_output, started: Noon.AddMinutes(-1));

        Assert.True(Publisher.IsStale(_output, _root, ["functions/Pipeline.Core"]));
    }

    [Fact]
    public void MarkBuilt_WhenTheOutputIsNewerThanTheBuildStart_ShouldKeepItsTime()
    {
        File.SetLastWriteTimeUtc(_output, Noon.AddHours(2));

        Publisher.MarkBuilt(_output, started: Noon.AddMinutes(1));

        Assert.Equal(Noon.AddHours(2), File.GetLastWriteTimeUtc(_output));
    }

    private string Write(string relative, DateTime time)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, relative);
        File.SetLastWriteTimeUtc(path, time);
        return path;
    }
}
