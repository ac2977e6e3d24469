using System.Buffers;
using System.Text;
using Portable.Core.Json;

namespace Portable.Core.Tests.Json;

public sealed class CanonicalJsonTests
{
    private static string Canonical(string json)
    {
        var output = new ArrayBufferWriter<byte>();
        Assert.True(CanonicalJson.TryWrite(Encoding.UTF8.GetBytes(json), output), $"not JSON: {json}");
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static string Hash(string payload) => CanonicalJson.Hash(Encoding.UTF8.GetBytes(payload));

    [Theory]
    [InlineData("""{"b":1,"a":2}""", """{"a":2,"b":1}""")]
    [InlineData(""" { "a" : [ 1 , 2 ] } """, """{"a":[1,2]}""")]
    [InlineData("""{"z":[{"b":1,"a":2}],"a":null,"m":{"y":true,"x":false}}""", """{"a":null,"m":{"x":false,"y":true},"z":[{"a":2,"b":1}]}""")]
    [InlineData("[3,1,2]", "[3,1,2]")]
    [InlineData("""["\u0041\n", "\"\\", "\/", "é"]""", """["A\u000a","\"\\","/","é"]""")]
    [InlineData("""{"\u0061":1}""", """{"a":1}""")]
    public void TryWrite_Json_WritesSortedMembersResolvedStringsNoWhitespace(string json, string expected) =>
        Assert.Equal(expected, Canonical(json));

    [Theory]
    [InlineData("10.50", "105e-1")]
    [InlineData("10.5", "105e-1")]
    [InlineData("1.05e1", "105e-1")]
    [InlineData("105E-1", "105e-1")]
    [InlineData("1050e-2", "105e-1")]
    [InlineData("0.0105e+3", "105e-1")]
    [InlineData("-12", "-12")]
    [InlineData("100", "1e2")]
    [InlineData("0.001", "1e-3")]
    [InlineData("0", "0")]
    [InlineData("-0.0", "0")]
    [InlineData("0e99", "0")]
    [InlineData("1e400", "1e400")]
    [InlineData("10e399", "1e400")]
    [InlineData("123456789012345678901234567890.000", "12345678901234567890123456789e1")]
    [InlineData("0.000000000000000000000000000000000000001", "1e-39")]
    [InlineData("1e99999999999999999999", "1e99999999999999999999")]
    [InlineData("10e99999999999999999999", "1e100000000000000000000")]
    [InlineData("2.5e-0000000000000000000000000001", "25e-2")]
    public void TryWrite_Number_WritesItsExactDecimalValue(string number, string expected) =>
        Assert.Equal(expected, Canonical(number));

    [Theory]
    [InlineData("""{"amount":10.5,"id":"p1"}""", """{"id":"p1","amount":10.50}""")]
    [InlineData("""{"a":{"x":1,"y":[1,{"q":2,"p":1}]}}""", """{"a":{"y":[1.0,{"p":1,"q":2e0}],"x":1}}""")]
    [InlineData("""{"total":1e400}""", """{"total":10e399}""")]
    [InlineData("""{"name":"\u00e9"}""", """{"name":"é"}""")]
    [InlineData("""{"a":1}""", " {\n\t\"a\" : 1\r\n} ")]
    public void Hash_EqualByMeaning_IsEqual(string first, string second) =>
        Assert.Equal(Hash(first), Hash(second));

    [Theory]
    [InlineData("""{"amount":10.5}""", """{"amount":10.51}""")]
    [InlineData("""{"amount":10.5}""", """{"amount":-10.5}""")]
    [InlineData("""{"amount":1}""", """{"amount":"1"}""")]
    [InlineData("""{"a":"x"}""", """{"b":"x"}""")]
    [InlineData("""{"a":null}""", """{}""")]
    [InlineData("""{"a":true}""", """{"a":1}""")]
    [InlineData("[1,2]", "[2,1]")]
    [InlineData("""{"a":[[1,2],[3]]}""", """{"a":[[1],[2,3]]}""")]
    [InlineData("""{"a":[{"x":1},{"y":2}]}""", """{"a":[{"y":2},{"x":1}]}""")]
    [InlineData("""{"a":1,"a":2}""", """{"a":2,"a":1}""")]
    [InlineData("1e400", "1e401")]
    [InlineData("1e99999999999999999999", "1e99999999999999999998")]
    [InlineData("""["a,b"]""", """["a","b"]""")]
    [InlineData("""{"a":"b\",\"c\":\"d"}""", """{"a":"b","c":"d"}""")]
    public void Hash_DifferentValues_Differ(string first, string second) =>
        Assert.NotEqual(Hash(first), Hash(second));

    [Theory]
    [InlineData("""{"a":1""")]
    [InlineData("""{"a":1} {"b":2}""")]
    [InlineData("not json")]
    [InlineData("{'a':1}")]
    [InlineData("""{"a":1,}""")]
    [InlineData("""["\uD800"]""")]
    [InlineData("")]
    [InlineData("   ")]
    public void TryWrite_NotJson_ReturnsFalseAndWritesNothing(string payload)
    {
        var output = new ArrayBufferWriter<byte>();
        Assert.False(CanonicalJson.TryWrite(Encoding.UTF8.GetBytes(payload), output));
        Assert.Equal(0, output.WrittenCount);
    }

    [Fact]
    public void TryWrite_InvalidUtf8_ReturnsFalse()
    {
        byte[] body = [.. "{\"a\":\"x"u8, 0xFF, .. "\"}"u8];
        Assert.False(CanonicalJson.TryWrite(body, new ArrayBufferWriter<byte>()));
    }

    [Fact]
    public void TryWrite_DeeperThan64Levels_ReturnsFalse()
    {
        Assert.True(CanonicalJson.TryWrite(Encoding.UTF8.GetBytes(new string('[', 64) + new string(']', 64)), new ArrayBufferWriter<byte>()));
        Assert.False(CanonicalJson.TryWrite(Encoding.UTF8.GetBytes(new string('[', 65) + new string(']', 65)), new ArrayBufferWriter<byte>()));
    }

    [Theory]
    [InlineData("""{"a":1""", """{"a":1 """)]
    [InlineData("""{"b":1,"a":2""", """{"a":2,"b":1""")]
    [InlineData("abc", "abd")]
    [InlineData("abc", "\"abc\"")]
    [InlineData("", " ")]
    public void Hash_NotJson_ComparesBytes(string first, string second)
    {
        Assert.Equal(Hash(first), Hash(first));
        Assert.NotEqual(Hash(first), Hash(second));
    }

    [Fact]
    public void Hash_InvalidUtf8_ComparesBytes()
    {
        byte[] one = [.. "{\"a\":\"x"u8, 0xFF, .. "\"}"u8];
        byte[] other = [.. "{\"a\":\"x"u8, 0xFE, .. "\"}"u8];
        Assert.Equal(CanonicalJson.Hash(one), CanonicalJson.Hash([.. one]));
        Assert.NotEqual(CanonicalJson.Hash(one), CanonicalJson.Hash(other));
    }

    [Fact]
    public void Hash_Prefix_IsPartOfTheHash()
    {
        var body = """{"a":1}"""u8;
        Assert.NotEqual(CanonicalJson.Hash("POST /a\n"u8, body), CanonicalJson.Hash("POST /b\n"u8, body));
        Assert.Equal(CanonicalJson.Hash("POST /a\n"u8, body), CanonicalJson.Hash("POST /a\n"u8, """{ "a" : 1.0 }"""u8));
    }

    [Fact]
    public void Hash_Always_IsLowerCaseHexSha256() =>
        Assert.Matches("^[0-9a-f]{64}$", Hash("""{"a":1}"""));
}
