using Pipeline.Local.Aws.Lambda;
using Pipeline.Local.Aws.Processes;
using Pipeline.Local.Aws.CloudFormation;

namespace Pipeline.Tests.Shared;

/// <summary>
/// The real function binaries tests run as processes: product functions where
/// <c>./build.sh package</c> puts them (published here if missing or older than the code under
/// test), and fixture programs from tests/Fixtures built beside the tests.
/// </summary>
internal static class FunctionBinaries
{
    private static readonly SemaphoreSlim InProcess = new(1, 1);

    public static string RepositoryRoot => Pipeline.Local.Aws.Processes.RepositoryRoot.Path;

    /// <summary>The template's definition of a function, its handler published and ready to run.</summary>
    /// <param name="builtDirectory">A folder holding the freshly built assemblies of the function (the test's own
    /// bin folder when it references the function project): any difference means the publish is stale.</param>
    public static async Task<FunctionDefinition> PublishedAsync(string logicalId, string? builtDirectory = null)
    {
        var definition = TemplateFunctions.Load(Path.Combine(RepositoryRoot, "template.yaml"), logicalId);
        await InProcess.WaitAsync();
        try
        {
            using var crossProcess = await LockAsync(Path.Combine(RepositoryRoot, ".build", "publish.lock"));
            if (!definition.IsPublished || (builtDirectory is not null && IsStale(definition.TaskRoot, builtDirectory)))
            {
                await PublishAsync(definition, logicalId);
            }
        }
        finally
        {
            InProcess.Release();
        }

        return definition;
    }

    /// <summary>A fixture program's entry dll, built in the same configuration as the running tests.</summary>
    public static string Fixture(string name)
    {
        // bin/<Configuration>/<tfm>/ of the test assembly names the configuration to look in.
        var tfmDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var path = Path.Combine(RepositoryRoot, "tests", "Fixtures", name, "bin", tfmDir.Parent!.Name, tfmDir.Name, name + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"fixture {name} is not built at {path}");
    }

    private static bool IsStale(string published, string built) =>
        Directory.GetFiles(published, "*.dll").Any(file =>
        {
            var fresh = Path.Combine(built, Path.GetFileName(file));
            return File.Exists(fresh) && !File.ReadAllBytes(fresh).AsSpan().SequenceEqual(File.ReadAllBytes(file));
        });

    private static Task PublishAsync(FunctionDefinition definition, string logicalId) =>
        Publisher.PublishAsync(RepositoryRoot, logicalId, Path.GetFileNameWithoutExtension(definition.Handler), definition.TaskRoot, CancellationToken.None);

    private static async Task<FileStream> LockAsync(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 600)
            {
                await Task.Delay(200);
            }
        }
    }
}
