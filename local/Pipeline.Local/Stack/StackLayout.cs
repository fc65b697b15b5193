namespace Pipeline.Local.Stack;

/// <summary>
/// Where a local stack keeps its state. Everything lives under one directory, so a restart finds the
/// registry, artifacts, repositories and execution history where it left them, and deleting the
/// directory is a clean reset.
/// </summary>
internal sealed class StackLayout(string stateDirectory)
{
    public string Root { get; } = Path.GetFullPath(stateDirectory);

    public string StackFile => Path.Combine(Root, "stack.json");

    public string SettingsFile => Path.Combine(Root, "settings.json");

    public string DynamoDbData => Path.Combine(Root, "dynalite");

    public string S3Data => Path.Combine(Root, "s3");

    public string Logs => Path.Combine(Root, "logs");

    public string Executions => Path.Combine(Root, "executions");

    public string Haproxy => Path.Combine(Root, "haproxy");

    public string HaproxyConfig => Path.Combine(Haproxy, "haproxy.cfg");

    public string HaproxyMasterSocket => Path.Combine(Haproxy, "master.sock");

    public string HaproxyAdminSocket => Path.Combine(Haproxy, "admin.sock");

    public string Fleet => Path.Combine(Root, "fleet");

    public string Builds => Path.Combine(Root, "builds");

    /// <summary>The token issuer's key (mode 0600) and identifier, which `pipeline token` reads without a running stack.</summary>
    public string Issuer => Path.Combine(Root, "issuer");

    public string Log(string name) => Path.Combine(Logs, name + ".log");

    public void Create()
    {
        foreach (var directory in new[] { Root, DynamoDbData, S3Data, Logs, Executions, Haproxy, Fleet, Builds })
        {
            Directory.CreateDirectory(directory);
        }
    }
}
