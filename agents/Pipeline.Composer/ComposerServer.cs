using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Pipeline.Composer;

/// <summary>
/// Kestrel on loopback: HAProxy sends it the composition paths, it resolves each request against the
/// catalog and answers with what <see cref="CompositionRunner"/> composes.
/// </summary>
public static class ComposerServer
{
    /// <summary>The largest POST body fanned out (HAProxy and Kestrel refuse larger ones before any call).</summary>
    public const int MaxBodyBytes = 1 << 20;

    /// <summary>How long the composer keeps an idle connection from HAProxy open: far longer than HAProxy keeps one.</summary>
    public static readonly TimeSpan IdleConnectionTimeout = TimeSpan.FromDays(1);

    /// <param name="refresh">
    /// Reloads the catalog if the config changed (true when it did): asked on a path no composition
    /// answers, since HAProxy may route a new composition before the next poll sees its file.
    /// </param>
    public static WebApplication Build(int port, CompositionCatalog catalog, CompositionRunner runner, Func<bool>? refresh = null)
    {
        // The empty builder: no appsettings.json, so no file watcher. The slim one watched its content
        // root (the working directory: the repository locally, / under systemd) recursively for
        // appsettings changes, and every file written below it woke a thread of the composer.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            k.Limits.MaxRequestBodySize = MaxBodyBytes;
            k.AddServerHeader = false;
            // HAProxy keeps its connections here open and shares them between compositions
            // (http-reuse always): it closes idle ones itself (its idle pool shrinks every 5 s
            // without use), so the composer must not close one as HAProxy sends a composition
            // down it. A day, not InfiniteTimeSpan: Kestrel closed those after about a second.
            k.Limits.KeepAliveTimeout = IdleConnectionTimeout;
        });
        var app = builder.Build();
        app.Run(context => HandleAsync(context, catalog, runner, refresh));
        return app;
    }

    private static async Task HandleAsync(HttpContext context, CompositionCatalog catalog, CompositionRunner runner, Func<bool>? refresh)
    {
        var request = context.Request;
        var requestId = RequestId(request.Headers["X-Request-Id"].ToString());
        context.Response.Headers["X-Request-Id"] = requestId;
        context.Response.ContentType = "application/json";

        // The path as the client sent it: parameters are decoded one segment at a time, so an encoded
        // '/' stays inside its parameter.
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.ToString();
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? raw : raw[..query];
        var resolution = catalog.Resolve(request.Method, path);
        if (resolution.Composition is null && refresh?.Invoke() == true)
        {
            resolution = catalog.Resolve(request.Method, path);
        }

        if (resolution.Composition is null)
        {
            context.Response.StatusCode = resolution.AllowedMethods.Count > 0 ? StatusCodes.Status405MethodNotAllowed : StatusCodes.Status404NotFound;
            if (resolution.AllowedMethods.Count > 0)
            {
                context.Response.Headers.Allow = string.Join(", ", resolution.AllowedMethods);
            }

            await context.Response.WriteAsJsonAsync(
                new ComposerError($"no composition answers {request.Method} {path}"), ComposerJsonContext.Default.ComposerError, cancellationToken: context.RequestAborted);
            return;
        }

        byte[]? body = null;
        if (resolution.Composition.Method == "POST")
        {
            using var copy = new MemoryStream();
            try
            {
                await request.Body.CopyToAsync(copy, context.RequestAborted);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                context.Response.StatusCode = e.StatusCode;
                await context.Response.WriteAsJsonAsync(
                    new ComposerError($"the body is larger than {MaxBodyBytes} bytes"), ComposerJsonContext.Default.ComposerError, cancellationToken: context.RequestAborted);
                return;
            }

            body = copy.ToArray();
        }

        var incoming = new IncomingRequest(requestId, NullIfEmpty(request.Headers.Authorization.ToString()), body, NullIfEmpty(request.ContentType));
        var (status, json) = await runner.RunAsync(resolution.Composition, resolution.Parameters!, incoming, context.RequestAborted);
        context.Response.StatusCode = status;
        context.Response.ContentLength = json.Length;
        await context.Response.Body.WriteAsync(json, context.RequestAborted);
    }

    /// <summary>The client's id when it is a sane token, otherwise a new one: it is logged and forwarded as is.</summary>
    private static string RequestId(string given) =>
        given.Length is > 0 and <= 128 && given.All(c => c is > ' ' and < '\u007f')
            ? given
            : Guid.NewGuid().ToString("N");

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

public sealed record ComposerError(string Error);

[System.Text.Json.Serialization.JsonSerializable(typeof(ComposerError))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class ComposerJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
