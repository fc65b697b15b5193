using System.CommandLine;
using Pipeline.Core.Manifest;

namespace Pipeline.Local.Commands;

/// <summary>
/// <c>pipeline validate PATH</c>: checks a service.yaml (or the repository folder holding one)
/// before it is pushed. Prints <c>ok</c> and exits 0, or prints every problem as
/// <c>file:line:column: field.path: message</c> and exits 1.
/// </summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path")
        {
            Description = "a service.yaml, or a folder holding one (default: the current folder)",
            DefaultValueFactory = _ => ".",
        };
        var command = new Command("validate", "check a service.yaml: prints ok, or every problem with its line and column");
        command.Arguments.Add(path);
        command.SetAction(parse => Run(parse.GetValue(path) ?? ".", Console.Out, Console.Error));
        return command;
    }

    public static int Run(string path, TextWriter output, TextWriter error)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, ManifestParser.FileName) : path;
        if (!File.Exists(file))
        {
            error.WriteLine(Directory.Exists(path)
                ? $"{path}: no {ManifestParser.FileName} in this folder"
                : $"{path}: no such file or folder");
            return 1;
        }

        var result = ManifestParser.TryParse(File.ReadAllText(file), file);
        if (result.IsValid)
        {
            output.WriteLine("ok");
            return 0;
        }

        foreach (var problem in result.Errors)
        {
            output.WriteLine(problem);
        }

        return 1;
    }
}
