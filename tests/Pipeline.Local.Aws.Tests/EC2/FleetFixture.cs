using System.Formats.Tar;
using Pipeline.Local.Aws.SSM;

namespace Pipeline.Local.Aws.Tests.EC2;

/// <summary>An artifact of the test service in a folder-backed bucket, and a fleet that launches it.</summary>
internal sealed class FleetFixture : IAsyncDisposable
{
    public const string Bucket = "artifacts";
    public const string Key = "artifacts/svc/1.0.1-abc/artifact.tgz";

    private readonly TempDirectory _temp = new();

    public FleetFixture(TimeSpan? grace = null)
    {
        Store = new FolderArtifactBucket(_temp.Combine("s3"));
        PutArtifact(Key, TarFile.Text("server.js", File.ReadAllText(Fixture.Path("service", "server.js"))));
        Parameters = new LocalParameterStore(_temp.Combine("state"));
        Fleet = new LocalProcessFleet(_temp.Combine("state"), Store, terminationGrace: grace ?? TimeSpan.FromSeconds(5), parameters: Parameters);
    }

    public LocalParameterStore Parameters { get; }

    public FolderArtifactBucket Store { get; }

    public LocalProcessFleet Fleet { get; }

    public string Root => _temp.Path;

    public static InstanceSpec Spec(string version = "1.0.1-abc", IReadOnlyDictionary<string, string>? env = null) =>
        new("svc", version, Bucket, Key, Environment: env);

    /// <summary>Stores a gzip tar of the given entries, as <c>tar czf</c> would write it, at key.</summary>
    public void PutArtifact(string key, params TarFile[] entries)
    {
        var path = _temp.Combine("s3", Bucket, key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Optimal);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        foreach (var entry in entries)
        {
            tar.WriteEntry(entry.ToEntry());
        }
    }

    /// <summary>Stores raw bytes at key, for artifacts that are not gzip tars.</summary>
    public void PutObject(string key, byte[] content)
    {
        var path = _temp.Combine("s3", Bucket, key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }

    public async ValueTask DisposeAsync()
    {
        await Fleet.DisposeAsync();
        _temp.Dispose();
    }
}

/// <summary>One entry of a test artifact: a file with content, a symbolic link or a hard link.</summary>
internal sealed record TarFile(string Name, string? Content, string? LinkTarget, TarEntryType Type = TarEntryType.RegularFile)
{
    public static TarFile Text(string name, string content) => new(name, content, null);

    public static TarFile Link(string name, string target) => new(name, null, target, TarEntryType.SymbolicLink);

    public static TarFile HardLink(string name, string target) => new(name, null, target, TarEntryType.HardLink);

    public PaxTarEntry ToEntry() => LinkTarget is null
        ? new PaxTarEntry(TarEntryType.RegularFile, Name)
        {
            DataStream = new MemoryStream(Encoding.UTF8.GetBytes(Content!)),
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
        }
        : new PaxTarEntry(Type, Name) { LinkName = LinkTarget };
}

internal static class Eventually
{
    public static async Task<T> WaitForAsync<T>(Func<T> probe, Func<T, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var value = probe();
        while (!done(value) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(25);
            value = probe();
        }

        return value;
    }

    public static async Task<string?> GetAsync(HttpClient http, string url)
    {
        try
        {
            return await http.GetStringAsync(new Uri(url));
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    public static async Task<string> GetWhenUpAsync(HttpClient http, string url)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var body = await GetAsync(http, url);
            if (body is not null)
            {
                return body;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{url} never answered");
            }

            await Task.Delay(50);
        }
    }
}
