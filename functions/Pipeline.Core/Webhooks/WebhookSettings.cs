namespace Pipeline.Core.Webhooks;

/// <param name="Owner">The GitHub account (user or organisation) whose repositories may deploy; empty: none may.</param>
/// <param name="DeployBranch">The branch whose pushes deploy.</param>
/// <param name="MaxBodyBytes">Larger bodies are refused with 413 before anything else is read.</param>
public sealed record WebhookSettings(string Owner, string DeployBranch, int MaxBodyBytes = WebhookSettings.DefaultMaxBodyBytes)
{
    /// <summary>
    /// 1 MiB. GitHub caps payloads at 25 MB, but a push payload lists at most 20 commits and is a few
    /// kilobytes in practice; a bigger body is refused before it is hashed or parsed.
    /// </summary>
    public const int DefaultMaxBodyBytes = 1024 * 1024;
}
