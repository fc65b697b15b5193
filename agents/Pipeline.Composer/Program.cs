using Pipeline.Composer;
using Pipeline.Hosting;

if (!AgentArguments.TryParse(() => ComposerOptions.Parse(args, Environment.GetEnvironmentVariable), out var options))
{
    return 2;
}

static void Log(string message) => Console.Error.WriteLine($"{DateTimeOffset.UtcNow:O} pipeline-composer: {message}");

using var stop = new StopSignals();

var catalog = new CompositionCatalog();
var watcher = new ConfigWatcher(options.ConfigPath, catalog, Log);
using var calls = CompositionRunner.CreateClient(options.CallsUrl);
await using var app = ComposerServer.Build(options.Port, catalog, new CompositionRunner(calls), watcher.Refresh);
await app.StartAsync(stop.Token);
Log($"serving compositions on 127.0.0.1:{options.Port}, calling services through {options.CallsUrl}, reading {options.ConfigPath}");
try
{
    await watcher.RunAsync(options.ReloadInterval, stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
}

// In-flight compositions finish (each is bounded by its own timeout) before the process exits.
await app.StopAsync(CancellationToken.None);
return 0;
