namespace Pipeline.Core.Manifest;

/// <summary>
/// An <c>env</c> value the manifest does not hold: <c>DB_PASSWORD: { ssm: db-password }</c>. The
/// instance reads it at start from SSM Parameter Store (a SecureString, decrypted with the
/// instance role), so the value is never in git, in the registry, in EC2 user data or in a log.
/// <para>
/// The manifest names the secret relative to the service's own path, never a full parameter name:
/// a service can only ask for <c>/&lt;prefix&gt;/&lt;service&gt;/…</c>, where the prefix is the stack's
/// (the same one its tables carry), so one manifest deploys to several stacks, each with its own
/// secrets, and no manifest can name another service's or another stack's parameter.
/// </para>
/// </summary>
/// <param name="Name">The secret's name under the service's path, e.g. <c>db-password</c> (<see cref="ManifestGrammar.SecretName"/>).</param>
public sealed record SecretReference(string Name)
{
    /// <summary>The SSM parameter the instance reads: <c>/&lt;prefix&gt;/&lt;service&gt;/&lt;name&gt;</c>.</summary>
    public string ParameterName(string prefix, string service)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        ArgumentException.ThrowIfNullOrEmpty(service);
        return $"{ServicePath(prefix, service)}{Name}";
    }

    /// <summary>Where every secret of a service lives: <c>/&lt;prefix&gt;/&lt;service&gt;/</c>.</summary>
    public static string ServicePath(string prefix, string service) => $"/{prefix}/{service}/";
}
