using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Pipeline.Local.Stack.Processes;

namespace Pipeline.Testing;

/// <summary>
/// One emulator (dynalite or s3rver) running as a child process on a free 127.0.0.1 port.
/// Other test runs share the machine, so the port is asked of the OS, never fixed.
/// </summary>
public sealed class EmulatorProcess : IAsyncDisposable
{
    private const int Attempts = 3;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly StringBuilder _output;

    private EmulatorProcess(string name, Process process, StringBuilder output, int port)
    {
        Name = name;
        _process = process;
        _output = output;
        Port = port;
    }

    public string Name { get; }

    public int Port { get; }

    public Uri Endpoint => new($"http://127.0.0.1:{Port}");

    /// <summary>
    /// Starts <c>local/emulators/node_modules/.bin/<paramref name="binary"/></c> with the arguments
    /// <paramref name="arguments"/> builds for a port, and returns once the port accepts connections.
    /// A port taken between asking and binding (another run won the race) is retried on a new one.
    /// </summary>
    public static async Task<EmulatorProcess> StartAsync(
        string binary, Func<int, IEnumerable<string>> arguments, CancellationToken cancel = default)
    {
        var path = BinaryPath(binary);
        Exception? last = null;
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var port = FreePort();
            var output = new StringBuilder();
            var info = new ProcessStartInfo(path)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in arguments(port))
            {
                info.ArgumentList.Add(argument);
            }

            var process = Process.Start(info)
                ?? throw new InvalidOperationException($"Could not start {path}.");
            process.OutputDataReceived += (_, e) => Append(output, e.Data);
            process.ErrorDataReceived += (_, e) => Append(output, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var emulator = new EmulatorProcess(binary, process, output, port);
            try
            {
                await emulator.WaitUntilListeningAsync(cancel);
                return emulator;
            }
            catch (InvalidOperationException e)
            {
                last = e;
                await emulator.DisposeAsync();
            }
        }

        throw new InvalidOperationException($"{binary} did not start after {Attempts} attempts.", last);
    }

    public static string BinaryPath(string binary)
    {
        var path = EmulatorCommands.Binary(RepositoryRoot.Path, binary);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"The {binary} emulator is not installed ({path} is missing). " +
                "Run `cd local/emulators && npm ci` (or `./build.sh setup`) first.");
        }

        return path;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone: nothing left to stop.
        }

        _process.Dispose();
    }

    private async Task WaitUntilListeningAsync(CancellationToken cancel)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            cancel.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException(
                    $"{Name} exited with code {_process.ExitCode} before listening on port {Port}:\n{Output()}");
            }

            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, Port, cancel);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancel);
            }
        }

        throw new InvalidOperationException(
            $"{Name} did not listen on port {Port} within {StartTimeout.TotalSeconds}s:\n{Output()}");
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
