using System.Security.Cryptography;
using System.Text;
using Portable.Core.Idempotency;

namespace Portable.Core.Tests.Idempotency;

public sealed class IdempotencyRecordsTests
{
    private static IdempotencyRecord Record(string hash) => new() { State = IdempotencyRecord.Completed, RequestHash = hash };

    private static string ByteHash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void PayloadHash_JsonEqualByMeaning_IsEqual() =>
        Assert.Equal(
            IdempotencyRecords.PayloadHash("""{"paymentId":"p1","amount":10.5}"""u8),
            IdempotencyRecords.PayloadHash("""{"amount":10.50,"paymentId":"p1"}"""u8));

    [Fact]
    public void PayloadHash_OtherPrefix_Differs() =>
        Assert.NotEqual(
            IdempotencyRecords.PayloadHash("{}"u8, "POST /items\n"u8),
            IdempotencyRecords.PayloadHash("{}"u8, "POST /orders\n"u8));

    [Fact]
    public void SamePayload_RecordOfEqualPayload_IsTrue()
    {
        var record = Record(IdempotencyRecords.PayloadHash("""{"a":1.0}"""u8));
        Assert.True(IdempotencyRecords.SamePayload(record, IdempotencyRecords.PayloadHash("""{"a":1}"""u8), """{"a":1}"""u8));
    }

    [Fact]
    public void SamePayload_RecordOfOtherPayload_IsFalse()
    {
        var record = Record(IdempotencyRecords.PayloadHash("""{"a":1}"""u8));
        Assert.False(IdempotencyRecords.SamePayload(record, IdempotencyRecords.PayloadHash("""{"a":2}"""u8), """{"a":2}"""u8));
    }

    [Fact]
    public void SamePayload_ByteHashOfEarlierVersion_ComparesTheBytes()
    {
        var record = Record(ByteHash("""{"a":1}"""));

        Assert.True(IdempotencyRecords.SamePayload(record, IdempotencyRecords.PayloadHash("""{"a":1}"""u8), """{"a":1}"""u8));
        Assert.False(IdempotencyRecords.SamePayload(record, IdempotencyRecords.PayloadHash("""{"a":2}"""u8), """{"a":2}"""u8));
    }

    [Fact]
    public void SamePayload_ByteHashOfEarlierVersionWithPrefix_ComparesPrefixAndBytes()
    {
        var record = Record(ByteHash("POST /items\n" + """{"a":1}"""));

        Assert.True(IdempotencyRecords.SamePayload(record, "v2:other", """{"a":1}"""u8, "POST /items\n"u8));
        Assert.False(IdempotencyRecords.SamePayload(record, "v2:other", """{"a":1}"""u8, "POST /other\n"u8));
    }
}
