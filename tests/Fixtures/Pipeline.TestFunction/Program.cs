using System.Text.Json.Serialization;
using Pipeline.Lambda;

namespace Pipeline.TestFunction;

/// <summary>
/// A function that misbehaves on request, so the local Lambda service can be tested against the
/// failures a real function process can have: slow, crashing, failing to start.
/// </summary>
internal static class Program
{
    public static Task<int> Main() => LambdaRuntime.RunAsync(
        () => Environment.GetEnvironmentVariable("TEST_FAIL_INIT") is { Length: > 0 } why
            ? throw new InvalidOperationException(why)
            : Task.FromResult<IFunctionHandler<Order, Report>>(new Handler()),
        TestJson.Default.Order,
        TestJson.Default.Report);
}

/// <param name="Act">ok, sleep (for Ms, ignoring cancellation), exit (with Code), throw.</param>
/// <param name="Variable">The environment variable the report's Variable shows (TEST_VARIABLE unless named).</param>
internal sealed record Order(string Act, int Ms = 0, int Code = 0, string? Text = null, string? Variable = null);

internal sealed record Report(int ProcessId, string RequestId, string? Text, string? Variable, long StartedMs, long EndedMs);

internal sealed class Handler : IFunctionHandler<Order, Report>
{
    public async Task<Report> HandleAsync(Order input, InvocationContext context)
    {
        var started = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        switch (input.Act)
        {
            case "sleep":
                await Task.Delay(input.Ms, CancellationToken.None);
                break;
            case "exit":
                Environment.Exit(input.Code);
                break;
            case "throw":
                throw new InvalidOperationException(input.Text);
        }

        return new Report(Environment.ProcessId, context.RequestId, input.Text,
            Environment.GetEnvironmentVariable(input.Variable ?? "TEST_VARIABLE"), started, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(Report))]
internal sealed partial class TestJson : JsonSerializerContext;
