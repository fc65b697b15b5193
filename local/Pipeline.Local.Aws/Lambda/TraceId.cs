namespace Pipeline.Local.Aws.Lambda;

/// <summary>X-Ray trace headers in the format Lambda hands to runtimes.</summary>
internal static class TraceId
{
    public static string New()
    {
        var epoch = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return $"Root=1-{epoch:x8}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))};Parent={Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))};Sampled=0";
    }
}
