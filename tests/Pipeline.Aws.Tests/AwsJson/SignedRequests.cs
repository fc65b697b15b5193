using System.Security.Cryptography;
using ImmutableCredentials = Amazon.Runtime.ImmutableCredentials;

namespace Pipeline.Aws.Tests.AwsJson;

/// <summary>
/// What the tests of the small AWS JSON clients share: the documentation's example credentials, a fixed
/// signing time, the recorded fixtures, and a SigV4 signature computed from the specification,
/// independently of AWSSDK.Core.
/// </summary>
internal static class SignedRequests
{
    public const string SignedHeaders = "content-type;host;x-amz-date;x-amz-target";

    public static readonly DateTimeOffset SignedAt = new(2024, 9, 26, 18, 0, 5, TimeSpan.Zero);

    public static readonly ImmutableCredentials Credentials = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);

    public static Task<ImmutableCredentials> StaticCredentials(CancellationToken _) => Task.FromResult(Credentials);

    public static TimeProvider Clock { get; } = new FixedClock(SignedAt);

    /// <summary>A recorded request or response under <c>&lt;service folder&gt;/Fixtures</c>.</summary>
    public static string Fixture(string folder, string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, folder, "Fixtures", name));

    /// <summary>
    /// Asserts that <paramref name="request"/> carries the Authorization header SigV4 prescribes for a POST of
    /// <paramref name="body"/> to <paramref name="host"/> at <see cref="SignedAt"/>.
    /// </summary>
    public static void AssertSigned(HttpRequestMessage request, string body, string host, string region, string service, string target)
    {
        var authorization = request.Headers.GetValues("Authorization").Single();
        Assert.StartsWith(
            $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240926/{region}/{service}/aws4_request, SignedHeaders={SignedHeaders}, Signature=",
            authorization, StringComparison.Ordinal);
        Assert.Equal(Signature(body, host, region, service, target), authorization[(authorization.LastIndexOf('=') + 1)..]);
    }

    private static string Signature(string body, string host, string region, string service, string target)
    {
        var canonical = string.Join('\n',
            "POST", "/", "",
            "content-type:application/x-amz-json-1.0", $"host:{host}",
            "x-amz-date:20240926T180005Z", $"x-amz-target:{target}", "",
            SignedHeaders,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body))));
        var toSign = string.Join('\n', "AWS4-HMAC-SHA256", "20240926T180005Z", $"20240926/{region}/{service}/aws4_request",
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))));
        var key = Encoding.UTF8.GetBytes("AWS4" + Credentials.SecretKey);
        foreach (var part in new[] { "20240926", region, service, "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign)));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
