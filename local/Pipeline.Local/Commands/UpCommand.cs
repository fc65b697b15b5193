using Pipeline.Hosting;
using Pipeline.Local.Stack;

namespace Pipeline.Local.Commands;

/// <summary>
/// <c>pipeline up</c>: starts the local stack from template.yaml and supervises it until Ctrl-C,
/// SIGTERM or <c>pipeline down</c>. A child that dies on its own stops the stack with exit code 1.
/// </summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var port = new Option<int?>("--port") { Description = $"HAProxy's front port on 127.0.0.1 (default {StackHost.DefaultFrontPort}; 0 picks a free one)" };
        var template = new Option<FileInfo?>("--template") { Description = "The SAM template (default: template.yaml); its relative paths are taken from the repository root" };
        var timeScale = new Option<double>("--time-scale")
        {
            Description = "Run DynamoDB's clock N times faster than real time: schedules, the metering proxy's minutes, burst and " +
                          "decrease quota, and ScaleTables (default 1; e.g. 10 to watch the scaler in seconds)",
            DefaultValueFactory = _ => 1.0,
        }.Accepting(value => double.IsFinite(value) && value is > 0 and <= 1000, value => $"--time-scale must be a number above 0 and at most 1000, not {value}");
        var stackName = new Option<string>("--stack-name")
        {
            Description = "The stack's name, as sam deploy --stack-name: AWS::StackName, the default table prefix, the target-group scope (default pipeline)",
            DefaultValueFactory = _ => "pipeline",
        }.Accepting(
            value => System.Text.RegularExpressions.Regex.IsMatch(value ?? "", @"\A[A-Za-z][A-Za-z0-9-]{0,127}\z"),
            value => $"--stack-name must start with a letter and hold only letters, digits and hyphens, at most 128 (CloudFormation's rule), not '{value}'");
        var routers = Routers();
        return StackOptions.Command(
            "up", "Start the local stack (emulators, functions, state machines, git host, haproxy) and supervise it", [port, template, timeScale, stackName, routers],
            (parse, state, cancel) => RunAsync(
                state, parse.GetValue(port), parse.GetValue(template), parse.GetValue(timeScale), parse.GetValue(stackName)!, parse.GetValue(routers), cancel));
    }

    private static async Task<int> RunAsync(
        string stateDirectory, int? port, FileInfo? template, double timeScale, string stackName, int routers, CancellationToken cancel)
    {
        using var stop = new StopSignals(cancel);
        StackHost host;
        try
        {
            host = await StackHost.StartAsync(new UpOptions(RepositoryRoot.Path, stateDirectory, port, Console.Out)
            {
                TemplatePath = template?.FullName ?? Path.Combine(RepositoryRoot.Path, "template.yaml"),
                TimeScale = timeScale,
                StackName = stackName,
                Routers = routers,
            }, stop.Token);
        }
        catch (StackFailureException e)
        {
            return StackOptions.Fail("up", e.Message);
        }
        catch (OperationCanceledException)
        {
            return StackOptions.Fail("up", "interrupted while starting; everything started so far was stopped");
        }

        await using (host)
        {
            PrintEndpoints(host);
            var stopped = Task.Delay(Timeout.Infinite, stop.Token);
            var first = await Task.WhenAny(stopped, host.Crashed, host.StopRequested);
            Console.WriteLine("stopping the stack...");
            if (first == host.Crashed)
            {
                return StackOptions.Fail("up", await host.Crashed);
            }
        }

        Console.WriteLine("stack stopped");
        return 0;
    }

    /// <summary>--routers, shared with <c>demo</c>.</summary>
    internal static Option<int> Routers() => new Option<int>("--routers")
    {
        Description = "How many routers (haproxy under the router agent) to run, as RouterCount on AWS (default 1, on the front port " +
                      "itself; with more, each has its own port and a front balancer health-checking each agent's /ready stands on the front port)",
        DefaultValueFactory = _ => 1,
    }.Accepting(value => value is >= 1 and <= 20, value => $"--routers must be a whole number from 1 to 20 (the template's RouterCount bounds), not {value}");

    internal static void PrintEndpoints(StackHost host)
    {
        Console.WriteLine();
        Console.WriteLine($"the local stack is up (state: {host.Layout.Root}, logs: {host.Layout.Logs})");
        foreach (var (name, value) in host.Endpoints)
        {
            Console.WriteLine($"  {name,-14} {value}");
        }

        Console.WriteLine("Ctrl-C or `./pipeline down` stops it; `./pipeline status` shows what runs.");
    }
}
