using System.Net.Http.Headers;
using System.Text;

namespace Pipeline.Benchmarks;

/// <summary>
/// Warm invocation latency through the local Lambda Invoke API (HTTP), and in-process for
/// comparison, as the payload grows. The payload is a manual redeploy request whose reason is
/// padded to the size; NormalizeTrigger echoes the reason, so the response is as large.
/// </summary>
internal static class WarmInvoke
{
    private const string Function = "NormalizeTriggerFunction";

    public static async Task RunAsync(Repository repo)
    {
        await using var lambda = new LocalLambdaService([repo.Function(Function)]);
        await lambda.StartAsync();
        await lambda.WarmAsync(Function);
        using var http = new HttpClient { BaseAddress = lambda.Endpoint };

        Console.WriteLine("warm invoke latency (ms), NormalizeTrigger, sequential calls:\n");
        Console.WriteLine("| payload | path | calls | p50 | p90 | p99 | max | MB/s each way |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (label, bytes, calls) in new[] { ("1 KB", 1024, 2000), ("100 KB", 100 * 1024, 1000), ("1 MB", 1024 * 1024, 200) })
        {
            var payload = Payload(bytes);
            async Task<bool> OverHttp()
            {
                using var content = new ByteArrayContent(payload);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await http.PostAsync(new Uri($"/2015-03-31/functions/{Function}/invocations", UriKind.Relative), content);
                var body = await response.Content.ReadAsByteArrayAsync();
                return response.IsSuccessStatusCode && !response.Headers.Contains("X-Amz-Function-Error") && body.Length >= bytes - 200;
            }

            async Task<bool> InProcess() => !(await lambda.InvokeAsync(Function, payload)).IsError;

            foreach (var (path, call) in new (string, Func<Task<bool>>)[] { ("Invoke API", OverHttp), ("in-process", InProcess) })
            {
                var s = await MeasureAsync(call, calls);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {label} | {path} | {s.Count} | {s.P50:0.00} | {s.P90:0.00} | {s.P99:0.00} | {s.Max:0.00} | {bytes / 1048576.0 / (s.Mean / 1000):0} |"));
            }
        }
    }

    private static async Task<Stats> MeasureAsync(Func<Task<bool>> call, int calls)
    {
        for (var i = 0; i < Math.Min(50, calls / 4); i++)
        {
            await call();
        }

        var samples = new List<double>(calls);
        for (var i = 0; i < calls; i++)
        {
            var clock = Stopwatch.StartNew();
            if (!await call())
            {
                throw new InvalidOperationException("an invocation failed during the benchmark");
            }

            samples.Add(clock.Elapsed.TotalMilliseconds);
        }

        return Stats.Of(samples);
    }

    private static byte[] Payload(int bytes)
    {
        const string head = """{"service":"orders","version":"1.4.7-0d1a26e","reason":" """;
        const string tail = "\"}";
        var padding = bytes - Encoding.UTF8.GetByteCount(head.TrimEnd()) - tail.Length;
        return Encoding.UTF8.GetBytes(head.TrimEnd() + new string('x', padding) + tail);
    }
}
