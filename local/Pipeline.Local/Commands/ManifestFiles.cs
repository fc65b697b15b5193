using Pipeline.Core.Manifest;

namespace Pipeline.Local.Commands;

/// <summary>The service.yaml files named on a command line: a file, or a folder holding one.</summary>
internal static class ManifestFiles
{
    /// <summary>
    /// Parses every file. Problems go to <paramref name="output"/> as <c>file:line:column: field: message</c>,
    /// missing files to <paramref name="error"/>; null when there was any.
    /// </summary>
    public static IReadOnlyList<ManifestSource>? Load(IReadOnlyList<string> paths, TextWriter output, TextWriter error)
    {
        var sources = new List<ManifestSource>();
        var ok = true;
        foreach (var path in paths)
        {
            var file = Directory.Exists(path) ? Path.Combine(path, ManifestParser.FileName) : path;
            if (!File.Exists(file))
            {
                error.WriteLine(Directory.Exists(path)
                    ? $"{path}: no {ManifestParser.FileName} in this folder"
                    : $"{path}: no such file or folder");
                ok = false;
                continue;
            }

            var result = ManifestParser.TryParse(File.ReadAllText(file), file);
            foreach (var problem in result.Errors)
            {
                output.WriteLine(problem);
            }

            ok &= result.IsValid;
            if (result.IsValid)
            {
                sources.Add(new ManifestSource(file, result.Manifest!, result.Positions));
            }
        }

        return ok ? sources : null;
    }
}
