using Pipeline.Local.Scaffold;

namespace Pipeline.Local.Commands;

/// <summary>
/// <c>pipeline new NAME [--dir DIR] [--table LOGICAL_NAME]...</c>: writes a service repository on the
/// service kit (see <see cref="ServiceScaffold"/>). An invalid name or table, or a non-empty DIR, is
/// refused before anything is written.
/// </summary>
internal static class NewCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The service's name: lower-case letters, digits and '-', starting with a letter" };
        var dir = new Option<string?>("--dir") { Description = "Where to write the repository (default: ./NAME); must be empty or absent" };
        var tables = new Option<string[]>("--table") { Description = "A DynamoDB table the service owns, by logical name (default: one named NAME)", AllowMultipleArgumentsPerToken = false };
        var command = new Command("new", "Write a new service repository: service.yaml, a server on the service kit with auth, tests, buildspec, lockfile, README") { name, dir, tables };
        command.SetAction(parse => Run(parse.GetValue(name)!, parse.GetValue(dir), parse.GetValue(tables) ?? [], Console.Out));
        return command;
    }

    internal static int Run(string name, string? dir, IReadOnlyList<string> tables, TextWriter output)
    {
        var directory = Path.GetFullPath(dir ?? name);
        if (ServiceScaffold.Problem(name, directory, tables) is { } problem)
        {
            return StackOptions.Fail("new", problem);
        }

        var files = new ServiceScaffold(RepositoryRoot.Path).Files(name, tables);
        ServiceScaffold.Write(directory, files);
        output.WriteLine($"wrote {files.Count} files to {directory}");
        output.WriteLine($"next: cd {directory} && git init && npm ci && npm test, then push it to the deploy branch");
        return 0;
    }
}
