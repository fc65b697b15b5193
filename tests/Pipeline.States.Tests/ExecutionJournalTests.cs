using Pipeline.States.History;
using Pipeline.States.Service;

namespace Pipeline.States.Tests;

public sealed class ExecutionJournalTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("journal-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void LoadExecutions_WhenHistoryIsLong_ShouldReadItsHeaderAndLastEventOnly()
    {
        var journal = new ExecutionJournal(_root);
        Journal(journal, "long", 20_000);
        var before = GC.GetAllocatedBytesForCurrentThread();

        var loaded = journal.LoadExecutions().Single();

        // The file holds a few MiB of events; reading them all allocated several times that.
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(new FileInfo(loaded.Path).Length > 2_000_000);
        Assert.True(allocated < 1_000_000, $"restoring one execution allocated {allocated} bytes");
        Assert.Equal("long", loaded.Header["name"]!.GetValue<string>());
        Assert.Equal(20_000, loaded.LastEvent!.Id);
        Assert.Equal("ExecutionSucceeded", loaded.LastEvent.Type);
    }

    [Fact]
    public void LoadExecutions_WhenTheLastLineIsTorn_ShouldAnswerTheEventBeforeIt()
    {
        var journal = new ExecutionJournal(_root);
        var path = Journal(journal, "torn", 3);
        File.AppendAllText(path, """{"id":4,"previousEventId":3,"timest""");

        var loaded = journal.LoadExecutions().Single();

        Assert.Equal(3, loaded.LastEvent!.Id);
        Assert.Equal(3, ExecutionJournal.ReadEvents(path).Count);
    }

    [Fact]
    public void LoadExecutions_WhenTheLastEventIsLargerThanABlock_ShouldReadItWhole()
    {
        var journal = new ExecutionJournal(_root);
        var output = new string('x', 300_000);
        Journal(journal, "large", 2, output);

        var loaded = journal.LoadExecutions().Single();

        Assert.Equal(2, loaded.LastEvent!.Id);
        Assert.Equal(output, loaded.LastEvent.Details!["output"]!.GetValue<string>());
    }

    [Fact]
    public void LoadExecutions_WhenOnlyTheHeaderWasWritten_ShouldAnswerNoLastEvent()
    {
        var journal = new ExecutionJournal(_root);
        Journal(journal, "empty", 0);

        var loaded = journal.LoadExecutions().Single();

        Assert.Equal("empty", loaded.Header["name"]!.GetValue<string>());
        Assert.Null(loaded.LastEvent);
    }

    /// <summary>An execution of <paramref name="events"/> events, the last one its success.</summary>
    private static string Journal(ExecutionJournal journal, string name, int events, string output = "{}")
    {
        var start = DateTimeOffset.UnixEpoch;
        var execution = new ExecutionRecord($"arn:aws:states:us-east-1:123456789012:execution:M:{name}", "arn:aws:states:us-east-1:123456789012:stateMachine:M", name, start, "{}");
        using var file = journal.Create(execution, "M");
        for (var id = 1; id <= events; id++)
        {
            var type = id == events ? "ExecutionSucceeded" : "PassStateEntered";
            var details = id == events
                ? new JsonObject { ["output"] = output }
                : new JsonObject { ["name"] = "Step", ["input"] = "{\"n\":" + id + "}" };
            file.Append(new HistoryEvent(id, id - 1, start.AddMilliseconds(id), type,
                id == events ? "executionSucceededEventDetails" : "stateEnteredEventDetails", details));
        }
        return file.Path;
    }
}
