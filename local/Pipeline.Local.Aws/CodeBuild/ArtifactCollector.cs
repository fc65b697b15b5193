using System.IO.Compression;

namespace Pipeline.Local.Aws.CodeBuild;

/// <summary>Selects the files the buildspec's <c>artifacts</c> section names, and zips them when asked to.</summary>
internal static class ArtifactCollector
{
    /// <summary>The files to ship, as (path on disk, path in the zip), sorted for a reproducible zip.</summary>
    public static IReadOnlyList<(string Source, string Entry)> Select(BuildspecArtifacts artifacts, string sourceDirectory)
    {
        var baseDirectory = Path.GetFullPath(Path.Combine(sourceDirectory, artifacts.BaseDirectory ?? "."));
        if (!baseDirectory.StartsWith(Path.GetFullPath(sourceDirectory), StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"base-directory '{artifacts.BaseDirectory}' leaves the source directory");
        }

        if (!Directory.Exists(baseDirectory))
        {
            return [];
        }

        var include = artifacts.Files.Select(Glob).ToList();
        var exclude = artifacts.ExcludePaths.Select(Glob).ToList();
        var selected = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(baseDirectory, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(baseDirectory, file).Replace('\\', '/');
            if (include.Any(g => g.IsMatch(relative)) && !exclude.Any(g => g.IsMatch(relative)))
            {
                selected[artifacts.DiscardPaths ? Path.GetFileName(relative) : relative] = file;
            }
        }

        return [.. selected.Select(s => (s.Value, s.Key))];
    }

    public static void Zip(IReadOnlyList<(string Source, string Entry)> files, string zipPath)
    {
        using var zip = ZipFile.Open(zipPath, ZipArchiveMode.Create);
        foreach (var (source, entry) in files)
        {
            zip.CreateEntryFromFile(source, entry, CompressionLevel.Optimal);
        }
    }

    /// <summary>The Content-Type an uploaded file gets, from its extension.</summary>
    public static string ContentType(string entry) => Path.GetExtension(entry).ToLowerInvariant() switch
    {
        ".tgz" or ".gz" => "application/gzip",
        ".zip" => "application/zip",
        ".yaml" or ".yml" => "application/yaml",
        ".json" => "application/json",
        ".js" => "text/javascript",
        ".txt" or ".log" => "text/plain",
        _ => "application/octet-stream",
    };

    // CodeBuild's globs: '**' crosses directories, '*' and '?' stay within one name.
    internal static Regex Glob(string pattern)
    {
        var text = pattern.Replace('\\', '/').TrimStart('.', '/');
        if (text.Length == 0 || text.EndsWith('/'))
        {
            text += "**/*";
        }

        var regex = new StringBuilder("^");
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '*' && i + 1 < text.Length && text[i + 1] == '*')
            {
                var slash = i + 2 < text.Length && text[i + 2] == '/';
                regex.Append(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else
            {
                regex.Append(text[i] switch
                {
                    '*' => "[^/]*",
                    '?' => "[^/]",
                    var c => Regex.Escape(c.ToString()),
                });
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
