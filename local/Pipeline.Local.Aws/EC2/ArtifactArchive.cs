using System.Formats.Tar;
using System.IO.Compression;

namespace Pipeline.Local.Aws.EC2;

/// <summary>
/// Unpacks a version's artifact as the instance user data does on AWS (<c>aws s3 cp ... - | tar xz</c>):
/// a gzip tar, into the instance's directory. Unlike GNU tar, which only warns and strips, an entry
/// that would land outside that directory refuses the whole artifact: an artifact is built by the
/// pipeline's own buildspec, so such an entry means something is wrong with it. For the same reason
/// symbolic and hard links are refused outright (pack the files they point at instead).
/// </summary>
internal static class ArtifactArchive
{
    /// <param name="describe">Who is launching, for messages: "orders 1.4.7-abc1234".</param>
    public static void Unpack(string archive, string directory, string describe)
    {
        var root = Path.GetFullPath(directory);
        Directory.CreateDirectory(root);
        try
        {
            using var file = File.OpenRead(archive);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (tar.GetNextEntry() is { } entry)
            {
                Extract(entry, root, describe);
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new LaunchFailedException($"{describe}: the artifact is not a gzip tar ({e.Message})", e);
        }
    }

    private static void Extract(TarEntry entry, string root, string describe)
    {
        if (entry.EntryType == TarEntryType.GlobalExtendedAttributes)
        {
            return;
        }

        var target = Inside(root, Path.Combine(root, entry.Name), entry.Name, describe);
        switch (entry.EntryType)
        {
            case TarEntryType.Directory:
                Directory.CreateDirectory(target);
                break;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                entry.ExtractToFile(target, overwrite: true);
                break;
            case TarEntryType.SymbolicLink or TarEntryType.HardLink:
                // Whether a link stays inside depends on every link unpacked before it (a -> ., then
                // a/a/b -> ../.., then b/x writes two levels up), and a hard link copies whatever file
                // its target names. The example buildspecs pack plain files only, so refusing every
                // link is the rule that is simple enough to be sure of.
                throw new LaunchFailedException(
                    $"{describe}: artifact entry '{entry.Name}' is a {(entry.EntryType == TarEntryType.HardLink ? "hard" : "symbolic")} link to '{entry.LinkName}'; "
                    + "an artifact holds only files and directories, so links are refused");
            default:
                throw new LaunchFailedException(
                    $"{describe}: artifact entry '{entry.Name}' is a {entry.EntryType}; an artifact holds only files and directories");
        }
    }

    private static string Inside(string root, string path, string name, string describe)
    {
        var full = Path.GetFullPath(path);
        return full == root || full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? full
            : throw new LaunchFailedException(
                $"{describe}: artifact entry '{name}' would land outside the instance directory; refusing to unpack the artifact");
    }
}
