using System.Text;
using Pipeline.Core.Routing;

namespace Pipeline.Benchmarks;

/// <summary>
/// Renders haproxy.cfg for 1,000 services x 10 targets (each with a host route and a path route):
/// render time, config size, and how long the real <c>haproxy -c</c> takes to accept it.
/// </summary>
internal static class RenderConfig
{
    public static async Task RunAsync(Repository repo)
    {
        var services = int.TryParse(Environment.GetEnvironmentVariable("BENCH_RENDER_SERVICES"), CultureInfo.InvariantCulture, out var s) ? s : 1000;
        var targets = int.TryParse(Environment.GetEnvironmentVariable("BENCH_RENDER_TARGETS"), CultureInfo.InvariantCulture, out var t) ? t : 10;
        var runs = int.TryParse(Environment.GetEnvironmentVariable("BENCH_RENDER_RUNS"), CultureInfo.InvariantCulture, out var r) ? r : 30;
        var table = Fleet(services, targets);
        var settings = new RouterSettings("*", 80, "/run/haproxy/admin.sock");

        RenderedConfig rendered = HaproxyConfigRenderer.Render(table, settings);
        for (var i = 0; i < 3; i++)
        {
            rendered = HaproxyConfigRenderer.Render(table, settings);
        }

        var samples = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            rendered = HaproxyConfigRenderer.Render(table, settings);
            samples.Add(watch.Elapsed.TotalMilliseconds);
        }

        var stats = Stats.Of(samples);
        var bytes = Encoding.UTF8.GetByteCount(rendered.Text);
        var lines = rendered.Text.Count(c => c == '\n');
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"render {services} services x {targets} targets ({runs} runs): p50 {stats.P50:0.0} ms, p90 {stats.P90:0.0} ms, min {stats.Min:0.0} ms, max {stats.Max:0.0} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"config: {bytes:N0} bytes ({bytes / 1024.0 / 1024.0:0.00} MiB), {lines:N0} lines, sha256 {rendered.Sha256[..12]}"));

        var dir = Directory.CreateDirectory(repo.Output("render-config")).FullName;
        var file = Path.Combine(dir, "haproxy.cfg");
        await File.WriteAllTextAsync(file, rendered.Text);
        var check = Stopwatch.StartNew();
        using var haproxy = Process.Start(new ProcessStartInfo("/usr/sbin/haproxy", ["-c", "-f", file]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await haproxy.StandardOutput.ReadToEndAsync() + await haproxy.StandardError.ReadToEndAsync();
        await haproxy.WaitForExitAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"haproxy -c: exit {haproxy.ExitCode} in {check.Elapsed.TotalMilliseconds:0} ms{(haproxy.ExitCode == 0 ? "" : ": " + output.Trim())}"));
    }

    private static RoutingTable Fleet(int services, int targets) => new(
    [
        .. Enumerable.Range(0, services).Select(i =>
        {
            var name = "svc-" + i.ToString("D4", CultureInfo.InvariantCulture);
            return new ServiceRouting(
                name,
                "1.4." + i.ToString(CultureInfo.InvariantCulture) + "-abcdef0",
                HealthCheck.Default("/health"),
                [new Route(name + ".example.com", null), new Route(null, "/api/" + name)],
                [.. Enumerable.Range(0, targets).Select(j => new RouteTarget(
                    $"i-{i:D4}-{j:D2}",
                    $"10.{i / 250}.{i % 250}.{10 + j}",
                    3000))]);
        }),
    ]);
}
