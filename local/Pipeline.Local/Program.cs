using System.CommandLine;

namespace Pipeline.Local;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("pipeline: the local Pipeline stack and tools");
        root.Subcommands.Add(Commands.StatesCommand.Create());
        return await root.Parse(args).InvokeAsync();
    }
}
