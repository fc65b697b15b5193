using Pipeline.Core.Errors;
using Pipeline.Core.Manifest;
using Pipeline.Core.Routing;

namespace Pipeline.Local.Commands;

/// <summary>
/// <c>pipeline routes render SERVICE_DIR_OR_YAML...</c>: prints the haproxy.cfg PublishRoutes would
/// publish if these services were live, through the same table builder, validator, compiler and
/// writer, with made-up targets (<c>instances.count</c> of them per service, on 127.0.0.1).
/// Manifests validate refuses are refused the same way, with exit code 1.
/// </summary>
internal static class RoutesCommand
{
    public static Command Create() => new("routes", "Tools for the HAProxy routes the pipeline publishes") { Render() };

    private static Command Render()
    {
        var paths = new Argument<string[]>("path")
        {
            Description = "service.yaml files, or folders holding one",
            Arity = ArgumentArity.OneOrMore,
        };
        var port = new Option<int>("--port") { Description = "the router's HTTP port", DefaultValueFactory = _ => RouterSettings.Default.Port };
        var bind = new Option<string>("--bind") { Description = "IPv4 address to listen on, or *", DefaultValueFactory = _ => RouterSettings.Default.BindAddress };
        var socket = new Option<string>("--runtime-socket")
        {
            Description = "the workers' admin socket",
            DefaultValueFactory = _ => RouterSettings.Default.RuntimeSocketPath,
        };
        var command = new Command("render", "print the haproxy.cfg PublishRoutes would publish for these services, with made-up targets")
        {
            paths, port, bind, socket,
        };
        command.SetAction(parse => Run(
            parse.GetValue(paths)!,
            RouterSettings.Default with { Port = parse.GetValue(port), BindAddress = parse.GetValue(bind)!, RuntimeSocketPath = parse.GetValue(socket)! },
            Console.Out,
            Console.Error));
        return command;
    }

    public static int Run(IReadOnlyList<string> paths, RouterSettings settings, TextWriter output, TextWriter error)
    {
        var problems = new StringWriter();
        var sources = ManifestFiles.Load(paths, problems, error);
        var together = sources is null ? [] : ManifestSet.Check(sources, settings);
        foreach (var problem in together)
        {
            problems.WriteLine(problem);
        }

        if (sources is null || together.Count > 0)
        {
            error.Write(problems.ToString());
            return 1;
        }

        try
        {
            output.Write(HaproxyConfigRenderer.Render(ManifestRouting.Preview(sources.Select(s => s.Manifest)), settings).Text);
            return 0;
        }
        catch (RoutingTableInvalidException e)
        {
            error.WriteLine($"pipeline routes render: {e.Message}");
            return 1;
        }
    }
}
