using Pipeline.Core.Manifest;
using Pipeline.Core.Routing;

namespace Pipeline.Local.Commands;

/// <summary>
/// <c>pipeline validate PATH...</c>: checks service.yaml files (or the repository folders holding
/// them) before they are pushed, each alone and all together as the registry and the router
/// would hold them live at once (one service per name, no route claimed twice, a config the
/// renderer accepts). Prints <c>ok</c> and exits 0, or prints every problem as
/// <c>file:line:column: field.path: message</c> and exits 1. Reads only; changes nothing.
/// </summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("path")
        {
            Description = "service.yaml files, or folders holding one (default: the current folder)",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("validate", "check service.yaml files alone and together: prints ok, or every problem with its line and column");
        command.Arguments.Add(paths);
        command.SetAction(parse => Run(parse.GetValue(paths) is { Length: > 0 } given ? given : ["."], Console.Out, Console.Error));
        return command;
    }

    public static int Run(IReadOnlyList<string> paths, TextWriter output, TextWriter error)
    {
        var sources = ManifestFiles.Load(paths, output, error);
        if (sources is null)
        {
            return 1;
        }

        var problems = ManifestSet.Check(sources, RouterSettings.Default);
        foreach (var problem in problems)
        {
            output.WriteLine(problem);
        }

        if (problems.Count > 0)
        {
            return 1;
        }

        output.WriteLine("ok");
        return 0;
    }
}
