namespace Pipeline.Core.Configuration;

/// <summary>
/// ReportCommitStatus: the owner of the GitHub repositories (empty: nothing is reported), the stack name
/// (the status context), the deploy state machine whose runs are reported, the secret holding the GitHub
/// token, and two local-only settings: the API's base URL and the prefix of a run's link.
/// </summary>
public sealed record CommitStatusFunctionSettings(
    string GitHubOwner, string StackName, string DeployStateMachineArn, string TokenSecretArn, Uri GitHubApiUrl, string? ExecutionLinkPrefix)
{
    public static readonly Uri DefaultGitHubApiUrl = new("https://api.github.com/");

    public static CommitStatusFunctionSettings From(SettingsReader settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var api = settings.Optional(SettingNames.GitHubApiUrl);
        return new(
            settings.Optional(SettingNames.GitHubOwner) ?? "",
            settings.Required(SettingNames.StackName),
            settings.Required(SettingNames.DeployStateMachineArn),
            settings.Required(SettingNames.GitHubTokenSecretArn),
            api is null ? DefaultGitHubApiUrl
                : Uri.TryCreate(api.EndsWith('/') ? api : api + "/", UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" ? uri
                : throw new SettingInvalidException(SettingNames.GitHubApiUrl, $"must be an http(s) URL, got '{api}'"),
            settings.Optional(SettingNames.ExecutionLinkPrefix));
    }
}
