using System.Security.Cryptography;

namespace Pipeline.Core.Routing;

/// <summary>A rendered haproxy.cfg and the hex SHA-256 of its UTF-8 bytes, as published and checked by routers.</summary>
public sealed record RenderedConfig(string Text, string Sha256)
{
    /// <summary>The largest config a router agent downloads (1 MiB); the renderer refuses to publish a larger one.</summary>
    public const int MaxBytes = 1 << 20;

    public static string HashOf(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

/// <summary>Routing table in, haproxy.cfg out: validate the input, compile, verify the model, write.</summary>
public static class HaproxyConfigRenderer
{
    public static RenderedConfig Render(RoutingTable table, RouterSettings settings)
    {
        RoutingTableValidator.Validate(table, settings);
        var model = HaproxyConfigCompiler.Compile(table, settings);
        HaproxyConfigCompiler.Verify(model);
        var text = HaproxyConfigWriter.Write(model);
        var size = Encoding.UTF8.GetByteCount(text);
        if (size > RenderedConfig.MaxBytes)
        {
            throw new Errors.RoutingTableInvalidException(
                [$"the rendered config is {size} bytes; routers accept at most {RenderedConfig.MaxBytes}"]);
        }

        return new RenderedConfig(text, RenderedConfig.HashOf(text));
    }
}
