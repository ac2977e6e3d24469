namespace Portable.Testing.Tests.Messaging;

public sealed class RecordingDeadLetterSinkTests
{
    [Fact]
    public async Task DeadLetterAsync_RecordsMessageAndReasonInOrder()
    {
        var sink = new RecordingDeadLetterSink();
        var first = MessageBuilder.Json("{}", "a").Build();
        var second = MessageBuilder.Json("{}", "b").Build();

        await sink.DeadLetterAsync(first, "bad a");
        await sink.DeadLetterAsync(second, "bad b");

        Assert.Equal([new DeadLetter(first, "bad a"), new DeadLetter(second, "bad b")], sink.Received);
        sink.Clear();
        Assert.Empty(sink.Received);
    }

    [Fact]
    public async Task DeadLetterAsync_FailWithSet_ThrowsAndRecordsNothing()
    {
        var sink = new RecordingDeadLetterSink { FailWith = new IOException("unreachable") };

        await Assert.ThrowsAsync<IOException>(() => sink.DeadLetterAsync(MessageBuilder.Json("{}").Build(), "bad").AsTask());

        Assert.Empty(sink.Received);
    }
}
