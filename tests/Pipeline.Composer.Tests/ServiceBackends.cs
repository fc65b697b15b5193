using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Pipeline.Composer.Tests;

/// <summary>A request as a backend received it.</summary>
/// <param name="Connection">Kestrel's id of the connection the request came on.</param>
public sealed record Received(string Service, string Method, string Target, string? Authorization, string? RequestId, string Body, string Connection);

/// <summary>
/// Real HTTP services on one Kestrel port, chosen by the X-Pipeline-Service header as HAProxy's
/// compose_calls frontend chooses a backend: each service answers with its own handler.
/// </summary>
public sealed class ServiceBackends : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _services = new(StringComparer.Ordinal);

    private ServiceBackends(int port)
    {
        Port = port;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        _app = builder.Build();
        _app.Run(async context =>
        {
            var service = context.Request.Headers["x-pipeline-service"].ToString();
            if (service.Length == 0)
            {
                return; // haproxy's health check: 200, and not a call
            }

            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            Requests.Enqueue(new Received(service, context.Request.Method, context.Features.Get<IHttpRequestFeature>()!.RawTarget,
                context.Request.Headers.Authorization.ToString(), context.Request.Headers["X-Request-Id"].ToString(), body, context.Connection.Id));
            if (_services.TryGetValue(service, out var handler))
            {
                await handler(context);
            }
            else
            {
                context.Response.StatusCode = 404;
            }
        });
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}");

    public ConcurrentQueue<Received> Requests { get; } = new();

    public static async Task<ServiceBackends> StartAsync()
    {
        var backends = new ServiceBackends(FreePort());
        await backends._app.StartAsync();
        return backends;
    }

    public ServiceBackends Answer(string service, Func<HttpContext, Task> handler)
    {
        _services[service] = handler;
        return this;
    }

    public ServiceBackends Json(string service, string json, int status = 200, int delayMs = 0) => Answer(service, async context =>
    {
        if (delayMs > 0)
        {
            await Task.Delay(delayMs, context.RequestAborted);
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json, context.RequestAborted);
    });

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
