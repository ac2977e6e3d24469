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

    // Message i of a batch, in group g (null: a standard queue's message).
    private static IncomingMessage[] Batch(params string?[] groups) =>
        [.. groups.Select((group, i) => new IncomingMessage { Id = ((char)('a' + i)).ToString(), Body = Array.Empty<byte>(), Source = "q", OrderingKey = group })];

    [Fact]
    public void Write_AllSucceeded_WritesAnEmptyList() =>
        Assert.Equal("""{"batchItemFailures":[]}""", Encoding.UTF8.GetString(SqsBatchResponseWriter.Write(Batch(null, null), [Ok("a"), Ok("b")], fifo: false)));

    [Fact]
    public void Write_TwoRetries_MatchesTheDocumentedSample()
    {
        var written = SqsBatchResponseWriter.Write(Batch(null, null, null), [Retry("MessageID_1"), Ok("x"), Retry("MessageID_2")], fifo: false);

        using var ours = JsonDocument.Parse(written);
        using var sample = JsonDocument.Parse(RepoPaths.ReadSample("aws-sqs-batch-item-failures-response.json"));
        Assert.True(JsonElement.DeepEquals(sample.RootElement, ours.RootElement), Encoding.UTF8.GetString(written));
    }

    [Fact]
    public void FailedIds_Standard_ListsRetriesButNotDeadLetters() =>
        Assert.Equal(["b", "d"], SqsBatchResponseWriter.FailedIds(Batch(null, null, null, null, null), [Ok("a"), Retry("b"), Dead("c"), Retry("d"), Ok("e")], fifo: false));

    [Fact]
    public void FailedIds_FifoOneGroupAfterRetry_ListsEverythingFromTheFirstFailureOn() =>
        Assert.Equal(["b", "c", "d"], SqsBatchResponseWriter.FailedIds(Batch("g", "g", "g", "g"), [Ok("a"), Retry("b"), Ok("c"), Retry("d")], fifo: true));

    [Fact]
    public void FailedIds_FifoAfterDeadLetter_ListsWhatFollowsButNotTheDeadLetter() =>
        Assert.Equal(["c", "d"], SqsBatchResponseWriter.FailedIds(Batch("g", "g", "g", "g"), [Ok("a"), Dead("b"), Retry("c"), Ok("d")], fifo: true));

    [Fact]
    public void FailedIds_FifoTwoGroups_HoldsBackOnlyTheFailedGroup() =>
        // Group x fails at b: b and d (later, same group) are listed; c and e of group y went through and are not.
        Assert.Equal(["b", "d"], SqsBatchResponseWriter.FailedIds(Batch("x", "x", "y", "x", "y"), [Ok("a"), Retry("b"), Ok("c"), Ok("d"), Ok("e")], fifo: true));

    [Fact]
    public void FailedIds_SettlementsOfAnotherBatch_Throws() =>
        Assert.Throws<ArgumentException>(() => SqsBatchResponseWriter.FailedIds(Batch("x"), [Ok("a"), Ok("b")], fifo: true));
}
