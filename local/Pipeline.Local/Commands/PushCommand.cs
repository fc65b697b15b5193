using System.CommandLine;
using Pipeline.Local.Supervisor;

namespace Pipeline.Local.Commands;

/// <summary><c>pipeline push SERVICE</c>: commits the example's working copy and pushes it to the stack's git host.</summary>
internal static class PushCommand
{
    public static Command Create()
    {
        var state = StackOptions.StateDirectory();
        var service = new Argument<string>("service") { Description = "An example under examples/services (orders, catalog)" };
        var message = new Option<string>("--message", "-m") { Description = "The commit message", DefaultValueFactory = _ => "Update from pipeline push" };
        var command = new Command("push", "Commit and push an example service's working copy to the local git host (starts the pipeline)") { state, service, message };
        command.SetAction(async (parse, cancel) =>
        {
            var name = parse.GetValue(service)!;
            try
            {
                using var client = StackClient.Connect(parse.GetValue(state)!);
                var commit = await ServicePusher.PushAsync(
                    client.Layout.Root, Path.Combine(Repository.Root, "examples", "services", name), name, parse.GetValue(message)!, cancel);
                Console.WriteLine($"pushed {name} {commit} to main; `./pipeline executions` shows the run it started");
                return 0;
            }
            catch (Exception e) when (e is StackFailureException or Pipeline.Local.Stack.Processes.CommandFailedException)
            {
                return StackOptions.Fail("push", e.Message);
            }
        });
        return command;
    }
}
