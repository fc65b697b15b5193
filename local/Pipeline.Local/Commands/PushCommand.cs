using Pipeline.Local.Aws.CloudFormation;
using Pipeline.Local.Stack;

namespace Pipeline.Local.Commands;

/// <summary>
/// <c>pipeline push SERVICE [--from DIR]</c>: commits the working copy of an example service (or of
/// any service folder) and pushes it to the stack's git host.
/// </summary>
internal static class PushCommand
{
    public static Command Create()
    {
        var service = new Argument<string>("service") { Description = "The repository name: an example under examples/services (orders, catalog), or any name with --from" };
        var message = new Option<string>("--message", "-m") { Description = "The commit message", DefaultValueFactory = _ => "Update from pipeline push" };
        var from = new Option<DirectoryInfo?>("--from") { Description = "The service folder to push (default: examples/services/SERVICE)" };
        var gitHub = new Option<bool>("--github")
        {
            Description = "Host the repository on (local) GitHub: this and every later push to it reaches the pipeline as a signed GitHub push webhook, not a CodeCommit event",
        };
        return StackOptions.Command("push", "Commit and push a service's working copy to the local git host (starts the pipeline)", [service, message, from, gitHub],
            async (parse, state, cancel) =>
            {
                var name = parse.GetValue(service)!;
                try
                {
                    using var client = StackClient.Connect(state);
                    var source = parse.GetValue(from)?.FullName ?? Path.Combine(RepositoryRoot.Path, "examples", "services", name);
                    var hosted = parse.GetValue(gitHub);
                    var commit = await ServicePusher.PushAsync(client.Layout.Root, source, name, parse.GetValue(message)!, cancel, gitHubHosted: hosted);
                    Console.WriteLine(hosted
                        ? $"pushed {name} {commit} to main of {LocalParameters.LocalGitHubOwner}/{name}; the stack delivers it as a GitHub push webhook"
                        : $"pushed {name} {commit} to main; `./pipeline executions` shows the run it started");
                    return 0;
                }
                catch (Exception e) when (e is StackFailureException or Pipeline.Local.Aws.Processes.CommandFailedException)
                {
                    return StackOptions.Fail("push", e.Message);
                }
            });
    }
}

