using Pipeline.Local.Aws.CloudFormation;

namespace Pipeline.Local.Aws.SecretsManager;

/// <summary>
/// The template's Secrets Manager secrets on one machine: each value is generated once (as
/// GenerateSecretString does on AWS: 64 letters and digits) and kept in the state directory, readable
/// only by its owner, so it survives restarts and `pipeline webhook-secret` can print it.
/// </summary>
internal sealed class LocalSecrets(string stateDirectory, IReadOnlyList<SecretDescription> secrets)
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string Folder(string stateDirectory) => Path.Combine(Path.GetFullPath(stateDirectory), "secrets");

    /// <summary>The secret a SecretId (its ARN or its name) names, or null.</summary>
    public SecretDescription? Find(string secretId) =>
        secrets.FirstOrDefault(s => s.Arn == secretId || s.Name == secretId);

    /// <summary>The secret's value, generated and stored on first use.</summary>
    public string Value(SecretDescription secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var path = Path.Combine(Folder(stateDirectory), secret.Name);
        if (File.Exists(path))
        {
            return File.ReadAllText(path);
        }

        Directory.CreateDirectory(Folder(stateDirectory));
        var value = RandomNumberGenerator.GetString(Alphabet, 64);
        OwnerOnlyFile.Write(path, value, overwrite: false);
        return value;
    }

    /// <summary>A stored value, without a running stack; null when the stack never generated it.</summary>
    public static string? Stored(string stateDirectory, string name)
    {
        var path = Path.Combine(Folder(stateDirectory), name);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }
}
