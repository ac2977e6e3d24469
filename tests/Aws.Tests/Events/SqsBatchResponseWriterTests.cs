using System.Text;
using System.Text.Json;
using Portable.Aws.Events;
using Portable.Core.Messaging;
using Portable.TestKit;

namespace Portable.Aws.Tests.Events;

public class SqsBatchResponseWriterTests
{
    private static MessageSettlement Ok(string id) => new(id, MessageOutcome.Success, null);

    private static MessageSettlement Retry(string id) => new(id, MessageOutcome.Retry, "transient");

    private static MessageSettlement Dead(string id) => new(id, MessageOutcome.DeadLetter, "bad data");

    [Fact]
    public void Write_AllSucceeded_WritesAnEmptyList() =>
        Assert.Equal("""{"batchItemFailures":[]}""", Encoding.UTF8.GetString(SqsBatchResponseWriter.Write([Ok("a"), Ok("b")], fifo: false)));

    [Fact]
    public void Write_TwoRetries_MatchesTheDocumentedSample()
    {
        var written = SqsBatchResponseWriter.Write([Retry("MessageID_1"), Ok("x"), Retry("MessageID_2")], fifo: false);

        using var ours = JsonDocument.Parse(written);
        using var sample = JsonDocument.Parse(RepoPaths.ReadSample("aws-sqs-batch-item-failures-response.json"));
        Assert.True(JsonElement.DeepEquals(sample.RootElement, ours.RootElement), Encoding.UTF8.GetString(written));
    }

    [Fact]
    public void FailedIds_Standard_ListsRetriesButNotDeadLetters() =>
        Assert.Equal(["b", "d"], SqsBatchResponseWriter.FailedIds([Ok("a"), Retry("b"), Dead("c"), Retry("d"), Ok("e")], fifo: false));

    [Fact]
    public void FailedIds_FifoAfterRetry_ListsEverythingFromTheFirstFailureOn() =>
        Assert.Equal(["b", "c", "d"], SqsBatchResponseWriter.FailedIds([Ok("a"), Retry("b"), Ok("c"), Retry("d")], fifo: true));

    [Fact]
    public void FailedIds_FifoAfterDeadLetter_ListsWhatFollowsButNotTheDeadLetter() =>
        Assert.Equal(["c", "d"], SqsBatchResponseWriter.FailedIds([Ok("a"), Dead("b"), Retry("c"), Ok("d")], fifo: true));
}
