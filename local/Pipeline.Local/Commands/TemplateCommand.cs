using Pipeline.Local.Aws.CloudFormation;

namespace Pipeline.Local.Commands;

/// <summary>
/// <c>pipeline template functions|state-machines</c>: what template.yaml declares, as the one
/// template reader (<see cref="SamTemplate"/>) reads it, one resource a line, for scripts
/// (<c>./build.sh package</c> publishes the functions this lists).
/// </summary>
internal static class TemplateCommand
{
    public static Command Create()
    {
        var command = new Command("template", "list what template.yaml declares, as the local stack reads it");
        command.Subcommands.Add(Listing("functions", "one line per function: LogicalId Handler",
            t => t.Functions.Select(f => $"{f.LogicalId} {f.Handler}")));
        command.Subcommands.Add(Listing("state-machines", "one line per state machine: LogicalId DefinitionUri",
            t => t.StateMachines.Select(m => $"{m.LogicalId} {m.DefinitionUri}")));
        return command;
    }

    public static int Run(string templatePath, Func<SamTemplate, IEnumerable<string>> lines, TextWriter output, TextWriter error)
    {
        try
        {
            foreach (var line in lines(SamTemplate.Load(templatePath)))
            {
                output.WriteLine(line);
            }

            return 0;
        }
        catch (TemplateInvalidException e)
        {
            error.WriteLine($"pipeline template: {e.Message}");
            return 1;
        }
    }

    private static Command Listing(string name, string description, Func<SamTemplate, IEnumerable<string>> lines)
    {
        var template = new Option<string>("--template")
        {
            Description = "the SAM template (default: template.yaml in the repository root)",
            DefaultValueFactory = _ => Path.Combine(RepositoryRoot.Path, "template.yaml"),
        };
        var command = new Command(name, description);
        command.Options.Add(template);
        command.SetAction(parse => Run(parse.GetValue(template)!, lines, Console.Out, Console.Error));
        return command;
    }
}
