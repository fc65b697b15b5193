using Pipeline.Local.Stack;

namespace Pipeline.Local.Commands;

/// <summary>
/// <c>pipeline webhook-secret</c>: the secret the local GitHub webhook receiver checks signatures with,
/// on its own last line so a script can take it (<c>| tail -n 1</c>).
/// </summary>
internal static class WebhookSecretCommand
{
    public static Command Create() => StackOptions.Command(
        "webhook-secret", "Print the GitHub webhook secret of the local stack (last line)", [], (_, directory, _) => Task.FromResult(Run(directory)));

    private static int Run(string directory)
    {
        if (LocalSecrets.Stored(directory, StackHost.WebhookSecret) is not { } secret)
        {
            return StackOptions.Fail("webhook-secret", $"no webhook secret in {Path.GetFullPath(directory)} yet: `./pipeline up` generates it");
        }

        Console.WriteLine($"GitHub webhook secret ({StackHost.WebhookSecret}); the Payload URL is endpoints.webhook of `./pipeline status`:");
        Console.WriteLine(secret);
        return 0;
    }
}
