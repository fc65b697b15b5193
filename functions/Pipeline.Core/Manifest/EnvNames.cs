namespace Pipeline.Core.Manifest;

/// <summary>
/// Which <c>env</c> names a service.yaml may set. Names that change how a shell, the dynamic
/// loader, a language runtime, the AWS SDK or the pipeline itself behaves are refused, each with
/// its reason: a manifest configures its service, never the machinery that starts it. The list is
/// documented in the README and stated in schemas/service.schema.json (a test keeps them equal).
/// </summary>
public static class EnvNames
{
    /// <summary>Names refused outright, with the reason.</summary>
    public static IReadOnlyDictionary<string, string> Reserved { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["PORT"] = "is set by the pipeline from the port field",
        ["PATH"] = "decides which program runs for every command name",
        ["HOME"] = "decides where programs read their start-up and configuration files",
        ["SHELL"] = "decides which shell programs start for commands",
        ["IFS"] = "changes how shells split every command line",
        ["ENV"] = "names a file that sh runs at start-up",
        ["BASH_ENV"] = "names a file that bash runs at start-up",
        ["SHELLOPTS"] = "turns on bash options in every bash started",
        ["BASHOPTS"] = "turns on bash options in every bash started",
        ["PS4"] = "is expanded, with command substitution, by shells tracing commands",
        ["PROMPT_COMMAND"] = "is run by interactive bash shells",
        ["CDPATH"] = "changes where shells' cd looks",
        ["GLOBIGNORE"] = "changes how shells expand file names",
        ["USER"] = "names the user the service runs as; the system sets it",
        ["LOGNAME"] = "names the user the service runs as; the system sets it",
        ["TMPDIR"] = "moves every program's temporary files",
        ["GCONV_PATH"] = "makes the C library load character-set modules from another directory",
        ["GETCONF_DIR"] = "changes where the C library looks for getconf data",
        ["GLIBC_TUNABLES"] = "changes the C library's memory allocator and loader",
        ["HOSTALIASES"] = "changes how the C library resolves host names",
        ["LOCALDOMAIN"] = "changes how the C library resolves host names",
        ["RES_OPTIONS"] = "changes how the C library resolves host names",
        ["RESOLV_HOST_CONF"] = "changes how the C library resolves host names",
        ["NIS_PATH"] = "changes where the C library looks up names",
        ["LOCPATH"] = "makes the C library load locale data from another directory",
        ["NLSPATH"] = "makes the C library load message catalogues from another directory",
        ["TZDIR"] = "makes the C library load time-zone data from another directory",
        ["MALLOC_TRACE"] = "makes the C library write a trace file",
        ["NODE_OPTIONS"] = "adds command-line options to every node process, such as --require of any file",
        ["NODE_PATH"] = "changes where node resolves modules",
        ["NODE_EXTRA_CA_CERTS"] = "adds certificate authorities every TLS connection of node trusts, AWS SDK calls included; ship the certificate with the code and pass it to the client that needs it",
        ["NODE_TLS_REJECT_UNAUTHORIZED"] = "turns off certificate checks for every TLS connection of node",
        ["SSL_CERT_FILE"] = "replaces the certificate authorities OpenSSL trusts",
        ["SSL_CERT_DIR"] = "replaces the certificate authorities OpenSSL trusts",
        ["PYTHONPATH"] = "changes where python imports modules from",
        ["PYTHONHOME"] = "changes where python loads its standard library from",
        ["PYTHONSTARTUP"] = "names a file python runs at start-up",
        ["PERL5LIB"] = "changes where perl loads modules from",
        ["PERLLIB"] = "changes where perl loads modules from",
        ["PERL5OPT"] = "adds command-line options to every perl process",
        ["RUBYLIB"] = "changes where ruby loads libraries from",
        ["RUBYOPT"] = "adds command-line options to every ruby process",
        ["JAVA_TOOL_OPTIONS"] = "adds options, agents included, to every JVM",
        ["JDK_JAVA_OPTIONS"] = "adds options, agents included, to every JVM",
        ["_JAVA_OPTIONS"] = "adds options, agents included, to every JVM",
        ["NOTIFY_SOCKET"] = "is set by systemd for the service",
        ["LISTEN_FDS"] = "is set by systemd for the service",
        ["LISTEN_PID"] = "is set by systemd for the service",
        ["LISTEN_FDNAMES"] = "is set by systemd for the service",
        ["INVOCATION_ID"] = "is set by systemd for the service",
        ["JOURNAL_STREAM"] = "is set by systemd for the service",
    };

    /// <summary>Name prefixes refused, with the reason.</summary>
    public static IReadOnlyDictionary<string, string> ReservedPrefixes { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["LD_"] = "LD_* variables change what the dynamic loader loads into every program (LD_PRELOAD, LD_LIBRARY_PATH, LD_AUDIT, ...)",
        ["AWS_"] = "AWS_* variables configure the AWS SDK and CLI (credentials, region, endpoints); instances get them from their instance profile and the pipeline",
        ["PIPELINE_"] = "PIPELINE_* variables are set by the pipeline (PIPELINE_SERVICE, PIPELINE_VERSION, PIPELINE_TABLE_PREFIX, ...)",
        ["NPM_CONFIG_"] = "NPM_CONFIG_* variables configure npm, including the shell it runs scripts with",
        ["BASH_FUNC_"] = "BASH_FUNC_* variables define functions in every bash started",
    };

    /// <summary>Parts of a name that mark it as a secret, whose value must not sit in git or EC2 user data.</summary>
    public static IReadOnlyList<string> SecretWords { get; } = ["PASSWORD", "SECRET", "TOKEN", "KEY"];

    /// <summary>Why <paramref name="name"/> may not be set by a manifest, or null when it may.</summary>
    public static string? Refusal(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Reserved.TryGetValue(name, out var reason))
        {
            return $"{name} {reason}";
        }

        foreach (var (prefix, why) in ReservedPrefixes)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                return why;
            }
        }

        return null;
    }

    /// <summary>True when the name contains PASSWORD, SECRET, TOKEN or KEY.</summary>
    public static bool LooksSecret(string name) =>
        SecretWords.Any(word => name.Contains(word, StringComparison.Ordinal));
}
