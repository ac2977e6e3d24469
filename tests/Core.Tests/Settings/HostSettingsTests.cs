using Portable.Core.Settings;

namespace Portable.Core.Tests.Settings;

public sealed class HostSettingsTests
{
    private static HostSettings With(params (string Name, string Value)[] values) =>
        new(name => values.FirstOrDefault(v => v.Name == name).Value);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Text_UnsetOrBlank_IsNull(string? value) =>
        Assert.Null(new HostSettings(_ => value).Text("X"));

    [Fact]
    public void Text_Set_IsTrimmed() => Assert.Equal("v", With(("X", "  v ")).Text("X"));

    [Fact]
    public void Required_Unset_ThrowsNamingTheVariableAndWhatIsAccepted()
    {
        var e = Assert.Throws<SettingsException>(() => With().Required("PORTABLE_TABLE", "a table name"));
        Assert.Equal("PORTABLE_TABLE is not set: expected a table name.", e.Message);
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData(" 65535 ", 65535)]
    public void Int32_InRange_Parses(string text, int expected) => Assert.Equal(expected, With(("PORT", text)).Int32("PORT", 1, 65535));

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("80a")]
    [InlineData("1.5")]
    public void Int32_Bad_ThrowsNamingVariableValueAndRange(string text)
    {
        var e = Assert.Throws<SettingsException>(() => With(("PORT", text)).Int32("PORT", 1, 65535));
        Assert.Equal($"PORT='{text}' is not valid: expected a whole number from 1 to 65535.", e.Message);
        Assert.Equal(("PORT", text), (e.Variable, e.Value));
    }

    [Fact]
    public void Int32_Unset_IsNull() => Assert.Null(With().Int32("PORT", 1, 65535));

    [Theory]
    [InlineData("0.25", 0.25)]
    [InlineData("1", 1.0)]
    public void Double_InRange_Parses(string text, double expected) => Assert.Equal(expected, With(("R", text)).Double("R", 0, 1));

    [Theory]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    [InlineData("ten")]
    public void Double_Bad_Throws(string text) =>
        Assert.Equal($"R='{text}' is not valid: expected a number from 0 to 1.", Assert.Throws<SettingsException>(() => With(("R", text)).Double("R", 0, 1)).Message);

    [Theory]
    [InlineData("true", true)]
    [InlineData("FALSE", false)]
    [InlineData("1", true)]
    [InlineData("0", false)]
    public void Boolean_Accepted_Parses(string text, bool expected) => Assert.Equal(expected, With(("B", text)).Boolean("B"));

    [Fact]
    public void Boolean_Bad_Throws() =>
        Assert.Equal("B='yes' is not valid: expected true, false, 1 or 0.", Assert.Throws<SettingsException>(() => With(("B", "yes")).Boolean("B")).Message);

    [Theory]
    [InlineData("http://127.0.0.1:4566")]
    [InlineData("https://sqs.eu-west-1.amazonaws.com/")]
    public void HttpUri_Absolute_Parses(string text) => Assert.Equal(new Uri(text), With(("E", text)).HttpUri("E"));

    [Theory]
    [InlineData("not a url")]
    [InlineData("localhost:4566")]
    [InlineData("ftp://example.com")]
    [InlineData("/relative")]
    public void HttpUri_Bad_ThrowsInsteadOfDropping(string text) =>
        Assert.Equal($"E='{text}' is not valid: expected an absolute http:// or https:// URL.", Assert.Throws<SettingsException>(() => With(("E", text)).HttpUri("E")).Message);

    [Fact]
    public void Seconds_Parses() => Assert.Equal(TimeSpan.FromSeconds(2.5), With(("T", "2.5")).Seconds("T", 0, 60));

    [Theory]
    [InlineData("350ms", 350)]
    [InlineData("350MS", 350)]
    [InlineData("350", 350)]
    [InlineData("2s", 2_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData(" 1.5 s ", 1_500)]
    [InlineData("0.25ms", 0.25)]
    [InlineData("2m", 120_000)]
    [InlineData("0", 0)]
    public void Duration_Accepted_Parses(string text, double milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), With(("D", text)).Duration("D", TimeSpan.Zero, TimeSpan.FromHours(1)));

    [Theory]
    [InlineData("fast")]
    [InlineData("ms")]
    [InlineData("-5ms")]
    [InlineData("1e3")]
    [InlineData("2h")]
    [InlineData("2sec")]
    [InlineData("1,5s")]
    [InlineData("NaN")]
    [InlineData("61m")]
    public void Duration_Bad_ThrowsNamingVariableValueAndFormat(string text)
    {
        var e = Assert.Throws<SettingsException>(() => With(("D", text)).Duration("D", TimeSpan.Zero, TimeSpan.FromHours(1)));
        Assert.Equal(
            $"D='{text.Trim()}' is not valid: expected a duration from 0ms to 60m: a number with ms, s or m (e.g. 350ms, 1.5s), or a bare number of milliseconds.",
            e.Message);
        Assert.Equal(("D", text.Trim()), (e.Variable, e.Value));
    }

    [Fact]
    public void Duration_BelowMin_Throws() =>
        Assert.StartsWith(
            "D='500ms' is not valid: expected a duration from 1s to 30s:",
            Assert.Throws<SettingsException>(() => With(("D", "500ms")).Duration("D", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30))).Message,
            StringComparison.Ordinal);

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    public void Duration_UnsetOrBlank_IsNull(string? value) =>
        Assert.Null(new HostSettings(_ => value).Duration("D", TimeSpan.Zero, TimeSpan.FromHours(1)));
}
