using System.Text;

namespace Pipeline.RouterAgent.Tests;

/// <summary>A node echo backend (bench/echo-backend.js) answering "&lt;name&gt; &lt;path&gt;".</summary>
internal sealed class EchoBackend : IDisposable
{
    private readonly Process _process;

    private EchoBackend(Process process, int port) => (_process, Port) = (process, port);

    public int Port { get; }

    public static async Task<EchoBackend> StartAsync(string name, int delayMs = 0)
    {
        var script = Path.Combine(RepositoryRoot.Path, "bench", "echo-backend.js");
        var process = Process.Start(new ProcessStartInfo("node", [script, "0", name, delayMs.ToString(CultureInfo.InvariantCulture)]) { RedirectStandardOutput = true })!;
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(15));
        return new EchoBackend(process, int.Parse(line!, CultureInfo.InvariantCulture));
    }

    /// <summary>SIGKILL, as when an instance's host dies: open connections are reset, nothing is answered.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}

/// <summary>The real pipeline-router-agent, run with dotnet from its own build output.</summary>
internal sealed class AgentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly string _pidFile;

    private AgentProcess(Process process, string pidFile)
    {
        _process = process;
        _pidFile = pidFile;
        process.ErrorDataReceived += (_, e) => { lock (_log) { _log.AppendLine(e.Data); } };
        process.OutputDataReceived += (_, e) => { lock (_log) { _log.AppendLine(e.Data); } };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
    }

    public string Log
    {
        get { lock (_log) { return _log.ToString(); } }
    }

    public static string AgentDll()
    {
        // tests/X/bin/<Configuration>/net10.0/ -> agents/Pipeline.RouterAgent/bin/<Configuration>/net10.0/
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var configuration = framework.Parent!.Name;
        return Path.Combine(RepositoryRoot.Path, "agents", "Pipeline.RouterAgent", "bin", configuration, framework.Name, "pipeline-router-agent.dll");
    }

    public static AgentProcess Start(Uri s3Endpoint, string bucket, string node, string dir, string pollInterval = "200ms", IReadOnlyList<string>? extra = null)
    {
        var config = Path.Combine(dir, "haproxy.cfg");
        var start = new ProcessStartInfo("dotnet",
        [
            AgentDll(), "--bucket", bucket, "--node", node, "--s3-endpoint", s3Endpoint.ToString(),
            "--config", config, "--master-socket", Path.Combine(dir, "master.sock"),
            "--poll-interval", pollInterval, "--supervise", .. extra ?? [],
        ])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.Environment["AWS_ACCESS_KEY_ID"] = "S3RVER";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "S3RVER";
        return new AgentProcess(Process.Start(start)!, config + ".pid");
    }

    /// <summary>SIGKILL of the agent alone, as a crash or the OOM killer would: what it started outlives it.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit(5000);
    }

    public async ValueTask DisposeAsync()
    {
        await ProcessStop.StopAsync(_process, TimeSpan.FromSeconds(15));

        // Never leave a haproxy behind, even if the agent died without stopping it.
        if (File.Exists(_pidFile) && int.TryParse(File.ReadAllText(_pidFile).Trim(), out var pid))
        {
            try
            {
                using var master = Process.GetProcessById(pid);
                if (master.ProcessName.Contains("haproxy", StringComparison.Ordinal))
                {
                    master.Kill(entireProcessTree: true);
                }
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }

        _process.Dispose();
    }
}
