using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace Pipeline.Lambda.Tests;

/// <summary>
/// When the invocation's token fires, measured on a clock the test moves, so the margin before
/// Lambda's deadline is checked exactly, whatever the machine's load.
/// </summary>
public sealed class InvokerDeadlineTests
{
    private static Invocation Patient(DateTimeOffset deadline) =>
        new("req-1", deadline, "arn:aws:lambda:us-east-1:1:function:f", null, Encoding.UTF8.GetBytes("""{"item":"patient","quantity":1}"""));

    [Theory]
    [InlineData(3000, 500)]
    [InlineData(1000, 250)]
    public async Task InvokeAsync_ShouldCancelTheHandlerTheMarginBeforeTheDeadline(int timeoutMs, int expectedMarginMs)
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-04T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var invoker = new Invoker<Order, Receipt>(new OrderHandler(time), TestJson.Default.Order, TestJson.Default.Receipt, time);

        var outcome = invoker.InvokeAsync(Patient(time.GetUtcNow().AddMilliseconds(timeoutMs)));
        time.Advance(TimeSpan.FromMilliseconds(timeoutMs - expectedMarginMs - 1));
        await Task.Delay(50);
        Assert.False(outcome.IsCompleted, "cancelled before the margin");

        time.Advance(TimeSpan.FromMilliseconds(1));
        var receipt = System.Text.Json.JsonSerializer.Deserialize((await outcome.WaitAsync(TimeSpan.FromSeconds(10))).Response, TestJson.Default.Receipt)!;

        Assert.Equal(expectedMarginMs, receipt.Quantity);
    }
}
