using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Pipeline.Core.Routing;

namespace Pipeline.RouterAgent;

/// <summary>
/// The frontend's listening socket, bound by the agent and inherited by the haproxy it starts
/// (<c>bind "fd@${PIPELINE_ROUTER_LISTENER_FD}"</c>). haproxy's workers exit with a killed master; a
/// socket only they held would close and refuse every connection until a new master bound the port.
/// Held here too, it stays listening: connections wait in its queue and the restarted haproxy
/// accepts them. Bound without SO_REUSEPORT, so a haproxy binding the port by itself beside it
/// fails to start instead of silently sharing the port with a socket nobody accepts on.
/// </summary>
public sealed partial class FrontListener : IDisposable
{
    private readonly SafeHandle _handle;
    private readonly Socket? _socket;

    private FrontListener(Socket socket)
    {
        _socket = socket;
        _handle = socket.SafeHandle;
    }

    private FrontListener(FileDescriptor taken) => _handle = taken;

    /// <summary>The descriptor number haproxy inherits, for <see cref="RouterSettings.ListenerFdVariable"/>.</summary>
    public int Descriptor => (int)_handle.DangerousGetHandle();

    /// <summary>Binds and listens on the address the config's frontend would bind; inherited by every process the agent starts.</summary>
    public static FrontListener Bind(IPAddress address, int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // A restarted agent binds while the dead haproxy's accepted connections are in TIME_WAIT.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(4096);
            var listener = new FrontListener(socket);
            listener.Inheritable();
            return listener;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A copy of the listening socket an adopted haproxy master inherited from the agent before this
    /// one (<c>pidfd_getfd</c>, Linux 5.6+): held again, it survives that master too. Null when the
    /// master has none (it bound the port itself) or the kernel refuses.
    /// </summary>
    public static FrontListener? TakeFrom(int masterPid, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(log);
        string environ;
        try
        {
            environ = File.ReadAllText($"/proc/{masterPid}/environ");
        }
        catch (IOException)
        {
            return null;
        }

        var prefix = RouterSettings.ListenerFdVariable + "=";
        var entry = environ.Split('\0').FirstOrDefault(e => e.StartsWith(prefix, StringComparison.Ordinal));
        if (entry is null || !int.TryParse(entry[prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var remote))
        {
            return null;
        }

        var pidfd = (int)Syscall(PidfdOpen, masterPid, 0, 0);
        if (pidfd < 0)
        {
            log($"could not take haproxy master {masterPid}'s listening socket: pidfd_open failed ({Marshal.GetLastPInvokeError()})");
            return null;
        }

        try
        {
            var fd = (int)Syscall(PidfdGetfd, pidfd, remote, 0);
            if (fd < 0)
            {
                log($"could not take haproxy master {masterPid}'s listening socket: pidfd_getfd failed ({Marshal.GetLastPInvokeError()})");
                return null;
            }

            // pidfd_getfd returns the copy close-on-exec; haproxy masters started later inherit it.
            var listener = new FrontListener(new FileDescriptor(fd));
            listener.Inheritable();
            return listener;
        }
        finally
        {
            _ = CloseDescriptor(pidfd);
        }
    }

    /// <summary>The address and port the config's frontend binds: the router's own overrides, else the published ones.</summary>
    public static (IPAddress Address, int Port)? AddressOf(string config, IReadOnlyDictionary<string, string>? environment)
    {
        ArgumentNullException.ThrowIfNull(config);
        var match = PublishedBind().Match(config);
        if (!match.Success)
        {
            return null;
        }

        var bind = environment?.GetValueOrDefault(RouterSettings.BindVariable) ?? match.Groups["ip"].Value;
        var port = environment?.GetValueOrDefault(RouterSettings.PortVariable) ?? match.Groups["port"].Value;
        return (bind == "*" ? IPAddress.Any : IPAddress.Parse(bind), int.Parse(port, CultureInfo.InvariantCulture));
    }

    /// <summary>Whether the config takes the agent's socket (a config rendered before it binds the port itself).</summary>
    public static bool UsedBy(string config) => config.Contains($"fd@${{{RouterSettings.ListenerFdVariable}}}", StringComparison.Ordinal);

    private void Inheritable()
    {
        if (Fcntl(Descriptor, SetFdFlags, 0) != 0)
        {
            throw new IOException($"could not make the listening socket inheritable (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    public void Dispose()
    {
        if (_socket is not null)
        {
            _socket.Dispose();
        }
        else
        {
            _handle.Dispose();
        }
    }

    private const int SetFdFlags = 2; // F_SETFD; 0 clears FD_CLOEXEC
    // The same numbers on x86_64 and arm64 (syscalls added after 5.0 share one table).
    private const long PidfdOpen = 434;
    private const long PidfdGetfd = 438;

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long a, long b, long c);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseDescriptor(int fd);

    [GeneratedRegex(@"bind ""\$\{PIPELINE_ROUTER_BIND-(?<ip>\*|[0-9.]+)\}:\$\{PIPELINE_ROUTER_PORT-(?<port>[0-9]{1,5})\}""")]
    private static partial Regex PublishedBind();

    private sealed class FileDescriptor : SafeHandle
    {
        public FileDescriptor(int fd)
            : base(-1, ownsHandle: true) => SetHandle(fd);

        public override bool IsInvalid => handle == -1;

        protected override bool ReleaseHandle() => CloseDescriptor((int)handle) == 0;
    }
}
