using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Pipeline.Local.Aws.Processes;

/// <summary>
/// The lifetime of a web server embedded in a larger process (the local stack starts several):
/// it starts and stops when its owner says so, and never on its own. The default console lifetime
/// would also stop every such server by itself on SIGTERM or Ctrl-C, racing the owner's orderly
/// shutdown, which stops them in dependency order.
/// </summary>
public sealed class EmbeddedServerLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A slim web application builder whose server only its owner starts and stops.</summary>
    public static WebApplicationBuilder CreateBuilder()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddSingleton<IHostLifetime, EmbeddedServerLifetime>();
        return builder;
    }
}
