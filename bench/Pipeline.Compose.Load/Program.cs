// The fixed-rate load generator of bench/compose.sh: the arguments, semantics and JSON of
// bench/compose/load.mjs, at a fraction of its CPU (node's http client cost ~330 us per request, a
// third of a core at 1,000 req/s on the 2-core machine whose queueing the benchmark measures).
//
//   compose-load URL SECONDS RATE        open loop: RATE requests/s on schedule, latency from each one's scheduled time
//   compose-load URL SECONDS 0 C         closed loop: C requests always in flight
//   compose-load "URL1 URL2" SECONDS RATE   each request is one call to each URL at once, timed to the slower
using System.Globalization;
using Pipeline.Compose.Load;

// Socket completions run on the socket engine's thread rather than being queued to the thread pool
// (read once, at the first socket): one thread wake-up less per read and write, and nothing here blocks.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}

static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

static Uri? Url(string text) => Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme == "http" ? url : null;

var urls = args.Length > 0 ? args[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Url).ToList() : [];
if (args.Length is < 3 or > 4 || urls.Count == 0 || urls.Contains(null)
    || Number(args[1]) is not > 0 || Number(args[2]) is not >= 0 || (Number(args[2]) == 0 && args.Length == 4 && Number(args[3]) is not >= 1))
{
    Console.Error.WriteLine("usage: compose-load http://HOST:PORT/PATH SECONDS RATE | compose-load URL SECONDS 0 CONCURRENCY"
        + " (URL may be several, separated by spaces: one call to each per request)");
    return 2;
}

var concurrency = args.Length == 4 ? (int)Number(args[3]) : 50;
var result = await new LoadGenerator([.. urls.OfType<Uri>()], Number(args[1]), Number(args[2]), concurrency).RunAsync();
result.WriteTo(Console.OpenStandardOutput());
return 0;
