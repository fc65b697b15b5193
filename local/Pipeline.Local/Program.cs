using Pipeline.Local.Commands;

namespace Pipeline.Local;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("pipeline: the local Pipeline stack and tools")
        {
            InvokeCommand.Create(),
            TablesCommand.Create(),
            ValidateCommand.Create(),
            RoutesCommand.Create(),
            UpCommand.Create(),
            DownCommand.Create(),
            StatusCommand.Create(),
            RouterCommand.Create(),
            ExecutionCommands.StartExecution(),
            ExecutionCommands.Rollback(),
            ExecutionCommands.Executions(),
            ExecutionCommands.History(),
            UnlockCommand.Create(),
            SecretCommand.Create(),
            PushCommand.Create(),
            WebhookSecretCommand.Create(),
            TokenCommand.Create(),
            DemoCommand.Create(),
            NewCommand.Create(),
            StatesCommand.Create(),
            TemplateCommand.Create(),
        };
        return await root.Parse(args).InvokeAsync();
    }
}
