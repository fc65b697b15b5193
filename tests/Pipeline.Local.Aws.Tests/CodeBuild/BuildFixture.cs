namespace Pipeline.Local.Aws.Tests.CodeBuild;

/// <summary>A git host with one repository, a working copy to push from, and a build runner over them.</summary>
internal sealed class BuildFixture(TempDirectory temp, LocalGitHost host, WorkingCopy work) : IDisposable
{
    public const string Bucket = "pipeline-artifacts";

    public LocalGitHost Host => host;

    public WorkingCopy Work => work;

    public string StoreRoot => temp.Combine("s3");

    public string State => temp.Combine("state");

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

    public void Dispose() => temp.Dispose();
}
