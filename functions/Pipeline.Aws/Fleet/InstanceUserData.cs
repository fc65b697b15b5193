using System.Text.RegularExpressions;

namespace Pipeline.Aws.Fleet;

/// <summary>
/// The user data that makes an EC2 instance one of a version's instances. It installs a systemd
/// unit that downloads exactly that version's artifact from S3 on every start (<c>ExecStartPre</c>),
/// checks its recorded SHA-256 and only then unpacks and switches to it, so the artifact is the only way code reaches the instance, at deploy and
/// at every later boot, then runs the start command. systemd restarts it if it exits, and the
/// target group's health checks see it meanwhile. The launch template supplies the AMI (with the
/// AWS CLI, bash 4.4+ and Node.js), network and an instance profile that may read the artifact bucket.
/// <para>
/// What the manifest controls (environment values, the start command) reaches the instance only
/// base64-encoded, so no value can end a heredoc or otherwise become part of this root script.
/// Both the fetch and the service run as the unprivileged <c>pipeline</c> user, and the unit has
/// no EnvironmentFile: the environment (NUL-separated <c>NAME=value</c>, read with <c>mapfile -d ''</c>)
/// is applied by the start script, which removes every inherited variable, so it reaches the service
/// exactly and nothing else, root processes included, ever runs with it.
/// </para>
/// <para>
/// Secrets (<c>env: { X: { ssm: name } }</c>) are not in the user data at all: only the parameter
/// names are, and the start script reads the values with the instance role each time the service
/// starts (<see cref="ReadSecrets"/>).
/// </para>
/// </summary>
public static partial class InstanceUserData
{
    /// <summary>The PATH services start with; the manifest cannot change it.</summary>
    public const string ServicePath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>EC2's limit on user data, before its base64 encoding.</summary>
    public const int MaxBytes = 16 * 1024;

    private const string Terminator = "PIPELINE_BASE64";

    public static string Render(InstanceLaunch launch, string artifactBucket)
    {
        ArgumentNullException.ThrowIfNull(launch);
        RequireSafe("service", launch.Service);
        RequireSafe("label", launch.Label);
        RequireSafe("artifact bucket", artifactBucket);
        if (!SafeKey().IsMatch(launch.ArtifactKey))
        {
            throw new LaunchFailedException($"artifactKey '{launch.ArtifactKey}': only letters, digits and . _ - / are allowed");
        }

        if (!Sha256Hex().IsMatch(launch.ArtifactSha256))
        {
            throw new LaunchFailedException($"artifactSha256 '{launch.ArtifactSha256.ReplaceLineEndings(" ")}': must be 64 lower-case hex digits");
        }

        var etc = $"/etc/pipeline/{launch.Service}";
        var app = $"/opt/pipeline/{launch.Service}";
        var unit = $"pipeline-{launch.Service}";
        var script = new StringBuilder()
            .Append("#!/bin/bash\n")
            .Append("set -euo pipefail\n")
            .Append("umask 022\n")
            .Append($"# {launch.Service} {launch.Label}, launched by {SafeComment().Replace(launch.ExecutionId, "_")}\n")
            .Append("# Node.js and the AWS CLI, when the AMI lacks them (the stack's own launch template uses Amazon Linux 2023).\n")
            .Append("if ! command -v node >/dev/null 2>&1 || ! command -v aws >/dev/null 2>&1; then\n")
            .Append("  if command -v dnf >/dev/null 2>&1; then dnf install -y -q nodejs awscli-2\n")
            .Append("  elif command -v apt-get >/dev/null 2>&1; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs awscli\n")
            .Append("  else echo 'no node and no dnf or apt-get to install it' >&2; exit 1; fi\n")
            .Append("fi\n")
            .Append("id -u pipeline >/dev/null 2>&1 || useradd --system --home-dir /opt/pipeline --shell /usr/sbin/nologin pipeline\n")
            .Append($"mkdir -p {etc} {app}\n")
            .Append($"chown pipeline:pipeline {app}\n")
            .Append("# The manifest's data, base64-encoded: no value can end the heredoc or reach this script as code.\n");
        WriteFile(script, $"{etc}/env", EnvironmentFile(launch.Environment), "0640", "root:pipeline");
        WriteFile(script, $"{etc}/secrets", SecretsFile(launch.Secrets), "0640", "root:pipeline");
        WriteFile(script, $"{etc}/command", $"#!/bin/sh\nexec {StartCommand(launch.Start)}\n", "0755", "root:root");
        WriteFile(script, $"{etc}/fetch", new StringBuilder()
            .Append("#!/bin/bash\n")
            .Append("set -euo pipefail\n")
            .Append($"rm -rf {app}/app.next {app}/artifact.tgz && mkdir -p {app}/app.next\n")
            // Nothing is unpacked, let alone switched to, unless the bytes are the ones the version recorded.
            .Append($"aws s3 cp 's3://{artifactBucket}/{launch.ArtifactKey}' {app}/artifact.tgz\n")
            .Append($"echo '{launch.ArtifactSha256}  {app}/artifact.tgz' | sha256sum --check --quiet")
            .Append($" || {{ echo 'artifact digest is not the recorded {launch.ArtifactSha256}: not starting' >&2; exit 1; }}\n")
            // Links could point outside the app folder; the local fleet refuses them too.
            .Append($"if tar -tvzf {app}/artifact.tgz | grep -q '^[lh]'; then echo 'the artifact holds symbolic or hard links: not starting' >&2; exit 1; fi\n")
            .Append($"tar -xz -f {app}/artifact.tgz -C {app}/app.next --no-same-owner && rm -f {app}/artifact.tgz\n")
            .Append($"rm -rf {app}/app && mv {app}/app.next {app}/app\n")
            .ToString(), "0755", "root:root");
        WriteFile(script, $"{etc}/start", new StringBuilder()
            .Append("#!/bin/bash\n")
            .Append("set -euo pipefail\n")
            .Append($"mapfile -d '' -t environment < {etc}/env\n")
            .Append(ReadSecrets($"{etc}/secrets", Region(launch.Environment)))
            .Append($"cd {app}/app\n")
            // Secrets reach the service through the environment only, never through a command line
            // other users could read in /proc: every inherited variable but them is removed by name.
            .Append("inherited=()\n")
            .Append("for variable in $(compgen -e); do [[ -n \"${secret_names[$variable]:-}\" ]] || inherited+=(-u \"$variable\"); done\n")
            .Append($"exec /usr/bin/env \"${{inherited[@]}}\" PATH={ServicePath} HOME=/opt/pipeline LANG=C.UTF-8 \"${{environment[@]}}\" {etc}/command\n")
            .ToString(), "0755", "root:root");
        WriteFile(script, $"/etc/systemd/system/{unit}.service", new StringBuilder()
            .Append("[Unit]\n")
            .Append($"Description={launch.Service} {launch.Label}\n")
            .Append("After=network-online.target\nWants=network-online.target\n\n")
            .Append("[Service]\n")
            .Append("User=pipeline\n")
            .Append($"ExecStartPre={etc}/fetch\n")
            .Append($"ExecStart={etc}/start\n")
            .Append("Restart=always\nRestartSec=2\n\n")
            .Append("[Install]\nWantedBy=multi-user.target\n")
            .ToString(), "0644", "root:root");
        var text = script
            .Append("systemctl daemon-reload\n")
            .Append($"systemctl enable --now {unit}.service\n")
            .ToString();
        var size = Encoding.UTF8.GetByteCount(text);
        return size <= MaxBytes
            ? text
            : throw new LaunchFailedException(
                $"the user data would be {size} bytes and EC2 takes at most {MaxBytes}; the environment (env) is too large");
    }

    /// <summary><c>NAME=value</c> entries, each ended by NUL, the one byte no variable can hold.</summary>
    public static string EnvironmentFile(IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var file = new StringBuilder();
        foreach (var (name, value) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!EnvironmentName().IsMatch(name))
            {
                throw new LaunchFailedException($"env.{name.ReplaceLineEndings(" ")}: not a valid environment variable name");
            }

            if (value.Contains('\0', StringComparison.Ordinal))
            {
                throw new LaunchFailedException($"env.{name}: a value cannot hold NUL");
            }

            file.Append(name).Append('=').Append(value).Append('\0');
        }

        return file.ToString();
    }

    /// <summary><c>NAME=/parameter/name</c> entries, each ended by NUL: which SSM parameter each variable reads.</summary>
    public static string SecretsFile(IReadOnlyDictionary<string, string> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        foreach (var (name, parameter) in secrets)
        {
            if (!ParameterName().IsMatch(parameter))
            {
                throw new LaunchFailedException($"env.{name.ReplaceLineEndings(" ")}: '{parameter.ReplaceLineEndings(" ")}' is not an SSM parameter name");
            }
        }

        return EnvironmentFile(secrets);
    }

    /// <summary>
    /// The start script's part that reads each secret, as the unprivileged service user, with the
    /// instance role: SecureStrings decrypted, the value kept in the script's memory and handed to
    /// the service like every other variable, never written to a file or the journal. A parameter
    /// that cannot be read stops the start, naming the parameter (never a value); systemd retries,
    /// and the target group never sees a healthy instance, so the deploy rolls back.
    /// </summary>
    private static string ReadSecrets(string file, string? region) => new StringBuilder()
        .Append("declare -A secret_names=()\n")
        .Append($"mapfile -d '' -t secrets < {file}\n")
        .Append("for secret in \"${secrets[@]}\"; do\n")
        .Append("  name=${secret%%=*}\n")
        .Append("  parameter=${secret#*=}\n")
        .Append($"  value=$(aws ssm get-parameter{(region is null ? "" : $" --region {region}")} --with-decryption --name \"$parameter\" --query Parameter.Value --output text)")
        .Append(" || { echo \"env.$name: cannot read SSM parameter $parameter with the instance role: not starting\" >&2; exit 1; }\n")
        .Append("  export \"$name=$value\"\n")
        .Append("  secret_names[$name]=1\n")
        .Append("done\n")
        .ToString();

    private static string? Region(IReadOnlyDictionary<string, string> environment) =>
        environment.TryGetValue("AWS_REGION", out var region) && SafeName().IsMatch(region) ? region : null;

    private static string StartCommand(string start)
    {
        if (start.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029'))
        {
            throw new LaunchFailedException("start: the start command must be one line without control characters");
        }

        return start;
    }

    /// <summary>A file with exactly <paramref name="content"/>'s UTF-8 bytes, decoded from base64 on the instance.</summary>
    private static void WriteFile(StringBuilder script, string path, string content, string mode, string owner)
    {
        script.Append($"base64 -d > {path} <<'{Terminator}'\n");
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(content));
        for (var i = 0; i < encoded.Length; i += 76)
        {
            script.Append(encoded, i, Math.Min(76, encoded.Length - i)).Append('\n');
        }

        script.Append(Terminator).Append('\n')
            .Append($"chown {owner} {path} && chmod {mode} {path}\n");
    }

    private static void RequireSafe(string what, string value)
    {
        if (!SafeName().IsMatch(value))
        {
            throw new LaunchFailedException($"{what} '{value.ReplaceLineEndings(" ")}': only letters, digits and . _ - are allowed");
        }
    }

    [GeneratedRegex(@"\A[A-Za-z0-9._-]{1,128}\z")]
    private static partial Regex SafeName();

    [GeneratedRegex(@"\A[A-Za-z0-9._/-]{1,1024}\z")]
    private static partial Regex SafeKey();

    [GeneratedRegex(@"\A[0-9a-f]{64}\z")]
    private static partial Regex Sha256Hex();

    [GeneratedRegex(@"\A[A-Za-z_][A-Za-z0-9_]*\z")]
    private static partial Regex EnvironmentName();

    /// <summary>SSM's parameter-name characters, in a hierarchy.</summary>
    [GeneratedRegex(@"\A(?:/[A-Za-z0-9_.-]+){1,15}\z")]
    private static partial Regex ParameterName();

    [GeneratedRegex(@"[^A-Za-z0-9:._/-]")]
    private static partial Regex SafeComment();
}
