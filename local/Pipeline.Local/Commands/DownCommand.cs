using Pipeline.Local.Stack;

namespace Pipeline.Local.Commands;

/// <summary><c>pipeline down</c>: asks the running stack to stop and waits until it has.</summary>
internal static class DownCommand
{
    public static Command Create() => StackOptions.Command("down", "Stop the local stack cleanly", [], (_, state, cancel) => RunAsync(state, cancel));

    private static async Task<int> RunAsync(string stateDirectory, CancellationToken cancel)
    {
        int pid;
        try
        {
            using var client = StackClient.Connect(stateDirectory);
            pid = client.Stack["pid"]!.GetValue<int>();
            await client.RequestStopAsync(cancel);
        }
        catch (StackFailureException e)
        {
            return StackOptions.Fail("down", e.Message);
        }
        catch (HttpRequestException e)
        {
            return StackOptions.Fail("down", $"the stack did not answer ({e.Message}); stop its process yourself");
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (StackFile.IsAlive(pid) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, cancel);
        }

        if (StackFile.IsAlive(pid))
        {
            return StackOptions.Fail("down", $"the stack (pid {pid}) is still stopping after 60 s");
        }

        Console.WriteLine("stack stopped");
        return 0;
    }
}
