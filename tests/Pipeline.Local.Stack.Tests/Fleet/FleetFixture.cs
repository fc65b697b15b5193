using System.IO.Compression;
using Pipeline.Local.Stack.Builds;
using Pipeline.Local.Stack.Fleet;

namespace Pipeline.Local.Stack.Tests.Fleet;

/// <summary>An artifact of the test service in a folder-backed bucket, and a fleet that launches it.</summary>
internal sealed class FleetFixture : IAsyncDisposable
{
    public const string Bucket = "artifacts";
    public const string Key = "builds/svc/abc/artifact.zip";

    private readonly TempDirectory _temp = new();

    public FleetFixture(TimeSpan? grace = null)
    {
        Store = new FolderArtifactStore(_temp.Combine("s3"));
        var zip = _temp.Combine("artifact.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            archive.CreateEntryFromFile(Fixture.Path("service", "server.js"), "server.js");
        }

        Directory.CreateDirectory(_temp.Combine("s3", Bucket, "builds", "svc", "abc"));
        File.Copy(zip, _temp.Combine("s3", Bucket, Key));
        Fleet = new LocalProcessFleet(_temp.Combine("state"), Store, terminationGrace: grace ?? TimeSpan.FromSeconds(5));
    }

    public FolderArtifactStore Store { get; }

    public LocalProcessFleet Fleet { get; }

    public string Root => _temp.Path;

    public static InstanceSpec Spec(string version = "1.0.1-abc", IReadOnlyDictionary<string, string>? env = null) =>
        new("svc", version, Bucket, Key, Environment: env);

    public async ValueTask DisposeAsync()
    {
        await Fleet.DisposeAsync();
        _temp.Dispose();
    }
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
