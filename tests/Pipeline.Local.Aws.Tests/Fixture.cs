namespace Pipeline.Local.Aws.Tests;

internal static class Fixture
{
    public static string Path(params string[] parts) =>
        System.IO.Path.Combine([AppContext.BaseDirectory, "Fixtures", .. parts]);

    public static string Text(params string[] parts) => File.ReadAllText(Path(parts));

    public static string RepositoryRoot() => Processes.RepositoryRoot.Path;
}
