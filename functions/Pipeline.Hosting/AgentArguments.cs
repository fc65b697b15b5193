using System.Diagnostics.CodeAnalysis;

namespace Pipeline.Hosting;

/// <summary>
/// An agent's settings as it reads them: <c>--name value</c> on the command line first, then the environment
/// (a systemd unit's EnvironmentFile). A malformed command line is an <see cref="ArgumentException"/> with the usage.
/// </summary>
public sealed class AgentArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly Func<string, string?> _env;

    private AgentArguments(Func<string, string?> env) => _env = env;

    /// <param name="flags">The options that take no value, e.g. <c>--supervise</c>.</param>
    public static AgentArguments Parse(IReadOnlyList<string> args, Func<string, string?> env, string usage, params string[] flags)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(env);
        var parsed = new AgentArguments(env);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (flags.Contains(arg))
            {
                parsed._flags.Add(arg);
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Count)
            {
                parsed._values[arg[2..]] = args[++i];
            }
            else
            {
                throw new ArgumentException($"unexpected argument '{arg}'\n{usage}");
            }
        }

        return parsed;
    }

    /// <summary>The option <c>--<paramref name="name"/></c>, else the environment variable, else null.</summary>
    public string? Get(string name, string variable) => _values.GetValueOrDefault(name) ?? _env(variable);

    public bool HasFlag(string flag) => _flags.Contains(flag);

    /// <summary>Runs an agent's option parser; on bad options writes why to stderr and answers false (the agent exits with 2, a usage error).</summary>
    public static bool TryParse<T>(Func<T> parse, [NotNullWhen(true)] out T? options)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(parse);
        try
        {
            options = parse();
            return true;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            options = null;
            return false;
        }
    }
}
