using Portable.Azure.State;

namespace Portable.Azure.Tests.State;

public sealed class TableKeyTests
{
    // Every character Table Storage forbids in PartitionKey/RowKey, from "Understanding the Table service data model".
    private static bool IsForbidden(char c) => c is '/' or '\\' or '#' or '?' || c <= '\u001F' || c is >= '\u007F' and <= '\u009F';

    [Theory]
    [InlineData("")]
    [InlineData("plain-key_123")]
    [InlineData("a/b\\c#d?e")]
    [InlineData(" .\">[~")]
    [InlineData(".00")]
    [InlineData("\u0000\u001f\u007f\u009f\u00a0")]
    [InlineData("tab\there\nnewline")]
    [InlineData("é中文🙂")]
    public void Decode_OfEncode_ReturnsOriginal(string key) => Assert.Equal(key, TableKey.Decode(TableKey.Encode(key)));

    [Fact]
    public void Encode_EveryCharacterUpToU00FF_IsLegalAndRoundTrips()
    {
        for (var c = '\0'; c <= '\u00FF'; c++)
        {
            var key = "x" + c + "y";
            var encoded = TableKey.Encode(key);
            Assert.DoesNotContain(encoded, IsForbidden);
            Assert.Equal(key, TableKey.Decode(encoded));
        }
    }

    [Fact]
    public void Encode_KeepsOrdinalOrder_ForEveryPairOfCharactersUpToU00FF()
    {
        var keys = new List<string>();
        for (var c = '\0'; c <= '\u00FF'; c++)
        {
            keys.Add(c.ToString());
            keys.Add("k" + c);
            keys.Add("k" + c + "z");
            keys.Add(c + "\u0000");
        }

        var byOriginal = keys.Order(StringComparer.Ordinal).ToList();
        var byEncoded = keys.OrderBy(TableKey.Encode, StringComparer.Ordinal).ToList();
        Assert.Equal(byOriginal, byEncoded);
    }

    [Fact]
    public void Encode_RandomKeys_KeepsOrdinalOrder()
    {
        var random = new Random(20261123);
        const string alphabet = "\u0000\u0001\t !\"#$-./09:=>?@AZ[\\]az{|}~\u007f\u0080\u009f\u00a0é中";
        var keys = Enumerable.Range(0, 2000)
            .Select(_ => new string(Enumerable.Range(0, random.Next(0, 6)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray()))
            .Distinct()
            .ToList();

        Assert.Equal(keys.Order(StringComparer.Ordinal), keys.OrderBy(TableKey.Encode, StringComparer.Ordinal));
        Assert.All(keys, k => Assert.Equal(k, TableKey.Decode(TableKey.Encode(k))));
    }

    [Fact]
    public void Encode_KeyWithoutReservedCharacters_IsUnchanged() => Assert.Equal("orders-2026_x", TableKey.Encode("orders-2026_x"));

    [Theory]
    [InlineData(".")]
    [InlineData("a.0")]
    [InlineData("a.zz")]
    public void Decode_NotWrittenByEncode_Throws(string encoded) => Assert.Throws<FormatException>(() => TableKey.Decode(encoded));
}
