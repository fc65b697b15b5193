namespace Pipeline.Benchmarks;

/// <summary>
/// Cold start of the same function published three ways: a fresh local Lambda service starts the
/// process and times it from start to the first response (init + first invocation), JIT against
/// ReadyToRun against Native AOT. Runs are interleaved so background load hits all variants alike.
/// </summary>
internal static class ColdStart
{
    private const string Function = "NormalizeTriggerFunction";

    public static async Task RunAsync(Repository repo)
    {
        var runs = int.TryParse(Environment.GetEnvironmentVariable("BENCH_COLD_RUNS"), CultureInfo.InvariantCulture, out var n) ? n : 20;
        var template = repo.Function(Function);
        var handler = Path.GetFileNameWithoutExtension(template.Handler);
        var payload = await File.ReadAllBytesAsync(Path.Combine(repo.Root, "tests", "Pipeline.Core.Tests", "Triggers", "Events", "github-push-main.json"));

        var variants = new List<(string Name, FunctionDefinition Definition)>();
        foreach (var (name, args, entry) in Variants(handler))
        {
            var dir = repo.Output("cold-start", name);
            Console.WriteLine($"publishing {name} -> {dir}");
            // Own artifacts folder per variant, so these publishes never touch the obj/ of normal builds.
            var (exit, tail) = await Repository.DotnetAsync(["publish", repo.Project(handler), "-c", "Release", "-o", dir,
                "--artifacts-path", repo.Output("cold-start", "artifacts", name), "--nologo", "-v", "q", .. args]);
            if (exit != 0)
            {
                Console.WriteLine($"  {name}: publish failed, left out: {tail}");
                continue;
            }

            variants.Add((name, template with { Handler = Path.Combine(dir, entry) }));
        }

        var samples = variants.ToDictionary(v => v.Name, _ => new List<double>());
        for (var run = -1; run < runs; run++)
        {
            foreach (var (name, definition) in variants)
            {
                await using var lambda = new LocalLambdaService([definition]);
                var clock = Stopwatch.StartNew();
                var result = await lambda.InvokeAsync(Function, payload);
                clock.Stop();
                if (result.IsError)
                {
                    throw new InvalidOperationException($"{name} failed: {System.Text.Encoding.UTF8.GetString(result.Payload)}");
                }

                if (run >= 0)
                {
                    samples[name].Add(clock.Elapsed.TotalMilliseconds);
                }
            }
        }

        Console.WriteLine($"\nprocess start to first response, {runs} cold starts each (ms):\n");
        Console.WriteLine("| publish | size MB | min | p50 | p90 | max | mean |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, definition) in variants)
        {
            var s = Stats.Of(samples[name]);
            var size = new DirectoryInfo(definition.TaskRoot).EnumerateFiles("*", SearchOption.AllDirectories)
                .Where(f => f.Extension != ".pdb" && f.Extension != ".dbg").Sum(f => f.Length) / 1048576.0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {size:0.0} | {s.Min:0} | {s.P50:0} | {s.P90:0} | {s.Max:0} | {s.Mean:0} |"));
        }
    }

    private static IEnumerable<(string Name, string[] Args, string Entry)> Variants(string handler)
    {
        yield return ("jit", ["-p:PublishReadyToRun=false"], handler + ".dll");
        yield return ("ready-to-run", ["-r", "linux-x64", "--self-contained", "false", "-p:PublishReadyToRun=true"], handler + ".dll");
        // Native AOT needs a clang; Debian installs it versioned (clang-14) without the plain name.
        var clang = Enumerable.Range(12, 10).Reverse().Select(v => $"clang-{v}").Prepend("clang")
            .FirstOrDefault(c => File.Exists(Path.Combine("/usr/bin", c)));
        string[] aot = ["-r", "linux-x64", "-p:PublishAot=true"];
        yield return ("native-aot", clang is null or "clang" ? aot : [.. aot, $"-p:CppCompilerAndLinker={clang}"], handler);
    }
}
