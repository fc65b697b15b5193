using Pipeline.Local.Aws.CloudFormation;

namespace Pipeline.Local.Aws.Tests.CodeBuild;

/// <summary>A git host with one repository, a working copy to push from, and a build runner over them.</summary>
internal sealed class BuildFixture : IDisposable
{
    public const string Bucket = "pipeline-artifacts";

    private readonly TempDirectory _temp;

    private BuildFixture(TempDirectory temp, LocalGitHost host, WorkingCopy work)
    {
        _temp = temp;
        Host = host;
        Work = work;
    }

    public LocalGitHost Host { get; }

    public WorkingCopy Work { get; }

    public string StoreRoot => _temp.Combine("s3");

    public string State => _temp.Combine("state");

    public static async Task<BuildFixture> CreateAsync()
    {
        var temp = new TempDirectory();
        var host = new LocalGitHost(temp.Combine("state"));
        var work = await WorkingCopy.CloneAsync(await host.CreateRepositoryAsync("orders"), temp.Combine("work"));
        return new BuildFixture(temp, host, work);
    }

    public LocalBuildRunner Runner(BuildProject? project = null, IArtifactBucket? store = null) => new(
        State,
        [project ?? Project()],
        new GitHostBuildSources(Host),
        store ?? new FolderArtifactBucket(StoreRoot),
        new StackContext());

    public static BuildProject Project() => new("orders-build", "orders", Bucket)
    {
        Environment = new Dictionary<string, string> { ["FROM_PROJECT"] = "project", ["LAYERED"] = "project" },
    };

    public async Task<string> PushAsync(string buildspec, IReadOnlyDictionary<string, string>? extra = null)
    {
        var files = new Dictionary<string, string>
        {
            ["buildspec.yml"] = buildspec,
            ["service.yaml"] = "name: orders\nport: 3000\n",
            ["src/server.js"] = "console.log('hello');\n",
            ["src/lib/util.js"] = "module.exports = 1;\n",
            ["test/check.sh"] = "echo checking\n",
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string>())
        {
            files[k] = v;
        }

        var commit = await Work.CommitAsync("build input", files);
        await Work.GitAsync("push", "--quiet", "--force", "origin", "main");
        return commit;
    }

    public void Dispose() => _temp.Dispose();
}
