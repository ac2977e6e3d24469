using System.Text;
using Portable.Aws.Events;
using Portable.Core.Streams;

namespace Portable.Aws.Tests.Streams;

public class StreamBatchResponseWriterTests
{
    private static StreamRecordSettlement S(string partition, string sequence, StreamRecordOutcome outcome) => new(partition, sequence, outcome, null);

    [Fact]
    public void Write_AllSettled_WritesAnEmptyList() =>
        Assert.Equal(
            """{"batchItemFailures":[]}""",
            Encoding.UTF8.GetString(StreamBatchResponseWriter.Write(new StreamBatchResult([S("a", "1", StreamRecordOutcome.Success), S("a", "2", StreamRecordOutcome.DeadLettered)]))));

    [Fact]
    public void Write_PartitionsStopped_NamesTheFirstFailedSequenceNumberOfEach()
    {
        var result = new StreamBatchResult(
        [
            S("a", "1", StreamRecordOutcome.Success),
            S("b", "2", StreamRecordOutcome.Failed),
            S("a", "3", StreamRecordOutcome.Failed),
            S("b", "4", StreamRecordOutcome.NotAttempted),
            S("a", "5", StreamRecordOutcome.NotAttempted),
        ]);

        Assert.Equal(
            """{"batchItemFailures":[{"itemIdentifier":"2"},{"itemIdentifier":"3"}]}""",
            Encoding.UTF8.GetString(StreamBatchResponseWriter.Write(result)));
    }

    [Fact]
    public void FailedSequenceNumbers_DeadlineNotAttempted_CountsAsAFailure() =>
        Assert.Equal(["7"], StreamBatchResponseWriter.FailedSequenceNumbers(new StreamBatchResult([S("a", "6", StreamRecordOutcome.Success), S("a", "7", StreamRecordOutcome.NotAttempted)])));
}
