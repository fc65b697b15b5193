using System.Text;
using System.Text.RegularExpressions;
using Pipeline.Core.Errors;
using Pipeline.Core.Fleet;

namespace Pipeline.Aws.Fleet;

/// <summary>
/// The user data that makes an EC2 instance one of a version's instances. It installs a systemd
/// unit whose <c>ExecStartPre</c> downloads exactly that version's artifact from S3, checks its recorded
/// SHA-256 and only then unpacks and switches to it, on
/// every start, so the artifact is the only way code reaches the instance, at deploy and at every
/// later boot. The service runs as an unprivileged user with the version's environment; systemd
/// restarts it if it exits, and the target group's health checks see it meanwhile.
/// The launch template supplies the AMI (with the AWS CLI and Node.js), network and an instance
/// profile that may read the artifact bucket.
/// </summary>
public static partial class InstanceUserData
{
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
            throw new LaunchFailedException($"artifactSha256 '{launch.ArtifactSha256}': must be 64 lower-case hex digits");
        }

        var directory = $"/opt/pipeline/{launch.Service}";
        var unit = $"pipeline-{launch.Service}";
        var script = new StringBuilder()
            .Append("#!/bin/bash\n")
            .Append("set -euo pipefail\n")
            .Append($"# {launch.Service} {launch.Label}, launched by {launch.ExecutionId.Replace('\n', ' ')}\n")
            .Append("id -u pipeline >/dev/null 2>&1 || useradd --system --home-dir /opt/pipeline --shell /usr/sbin/nologin pipeline\n")
            .Append($"mkdir -p {directory} /etc/pipeline\n")
            .Append($"cat > /etc/pipeline/{launch.Service}.env <<'PIPELINE_ENV'\n");
        foreach (var (name, value) in launch.Environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!EnvironmentName().IsMatch(name))
            {
                throw new LaunchFailedException($"env.{name}: not a valid environment variable name");
            }

            script.Append(name).Append("=\"").Append(EscapeForSystemd(value)).Append("\"\n");
        }

        script.Append("PIPELINE_ENV\n")
            .Append($"cat > {directory}/fetch <<'PIPELINE_FETCH'\n")
            .Append("#!/bin/bash\n")
            .Append("set -euo pipefail\n")
            .Append($"rm -rf {directory}/app.next {directory}/artifact.tgz && mkdir -p {directory}/app.next\n")
            // Nothing is unpacked, let alone switched to, unless the bytes are the ones the version recorded.
            .Append($"aws s3 cp 's3://{artifactBucket}/{launch.ArtifactKey}' {directory}/artifact.tgz\n")
            .Append($"echo '{launch.ArtifactSha256}  {directory}/artifact.tgz' | sha256sum --check --quiet")
            .Append($" || {{ echo 'artifact digest is not the recorded {launch.ArtifactSha256}: not starting' >&2; exit 1; }}\n")
            .Append($"tar -xz -f {directory}/artifact.tgz -C {directory}/app.next --no-same-owner && rm -f {directory}/artifact.tgz\n")
            .Append($"rm -rf {directory}/app && mv {directory}/app.next {directory}/app\n")
            .Append($"chown -R pipeline: {directory}/app\n")
            .Append("PIPELINE_FETCH\n")
            .Append($"chmod 0755 {directory}/fetch\n")
            .Append($"cat > {directory}/start <<'PIPELINE_START'\n")
            .Append("#!/bin/sh\n")
            .Append($"cd {directory}/app\n")
            .Append("exec ").Append(launch.Start.ReplaceLineEndings(" ")).Append('\n')
            .Append("PIPELINE_START\n")
            .Append($"chmod 0755 {directory}/start\n")
            .Append($"cat > /etc/systemd/system/{unit}.service <<'PIPELINE_UNIT'\n")
            .Append("[Unit]\n")
            .Append($"Description={launch.Service} {launch.Label}\n")
            .Append("After=network-online.target\nWants=network-online.target\n\n")
            .Append("[Service]\n")
            .Append($"EnvironmentFile=/etc/pipeline/{launch.Service}.env\n")
            .Append("PermissionsStartOnly=true\n")
            .Append($"ExecStartPre=+{directory}/fetch\n")
            .Append($"ExecStart={directory}/start\n")
            .Append("User=pipeline\n")
            .Append("Restart=always\nRestartSec=2\n\n")
            .Append("[Install]\nWantedBy=multi-user.target\n")
            .Append("PIPELINE_UNIT\n")
            .Append("systemctl daemon-reload\n")
            .Append($"systemctl enable --now {unit}.service\n");
        return script.ToString();
    }

    private static void RequireSafe(string what, string value)
    {
        if (!SafeName().IsMatch(value))
        {
            throw new LaunchFailedException($"{what} '{value}': only letters, digits and . _ - are allowed");
        }
    }

    // systemd EnvironmentFile: inside double quotes, backslash escapes backslash, quote and dollar is literal.
    private static string EscapeForSystemd(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .ReplaceLineEndings("\\n");

    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex SafeName();

    [GeneratedRegex("^[A-Za-z0-9._/-]{1,1024}$")]
    private static partial Regex SafeKey();

    [GeneratedRegex(@"\A[0-9a-f]{64}\z")]
    private static partial Regex Sha256Hex();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvironmentName();
}
