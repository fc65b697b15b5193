using Pipeline.Local.Stack;

namespace Pipeline.Local.Commands;

/// <summary>
/// <c>pipeline router replace</c>: replaces one router of the running stack gracefully, as an Auto
/// Scaling instance refresh does behind the NLB: out of the front, drained, stopped, and a new
/// router with a new node name started and taken in once its agent is ready.
/// </summary>
internal static class RouterCommand
{
    public static Command Create()
    {
        var node = new Option<string?>("--node") { Description = "The router to replace (a node name `pipeline status` lists; default: the oldest)" };
        return new Command("router", "The local stack's routers")
        {
            StackOptions.Command("replace", "Replace one router gracefully (needs `up --routers 2` or more)", [node],
                (parse, state, cancel) => ReplaceAsync(state, parse.GetValue(node), cancel)),
        };
    }

    private static async Task<int> ReplaceAsync(string stateDirectory, string? node, CancellationToken cancel)
    {
        try
        {
            using var client = StackClient.Connect(stateDirectory);
            var (replaced, by) = await client.ReplaceRouterAsync(node, cancel);
            Console.WriteLine($"router {replaced} replaced by {by}");
            return 0;
        }
        catch (Exception e) when (e is StackFailureException or HttpRequestException)
        {
            return StackOptions.Fail("router replace", e.Message);
        }
    }
}
