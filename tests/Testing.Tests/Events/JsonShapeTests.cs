namespace Portable.Testing.Tests.Events;

/// <summary>The sample comparison itself catches what it is there to catch.</summary>
public sealed class JsonShapeTests
{
    private static readonly JsonShape Sample = JsonShape.Of("""{"a":"x","b":{"c":1},"h":{"one":"1"}}""", "$.h");

    [Fact]
    public void AssertConforms_SameShapeOtherValuesAndDataKeys_Passes() =>
        JsonShape.AssertConforms(Sample, JsonShape.Of("""{"a":"y","b":{"c":2},"h":{"two":"2","three":"3"}}""", "$.h"));

    [Theory]
    [InlineData("""{"a":"y","b":{"c":2},"h":{}}""", "$.h.*: in the sample, missing")]
    [InlineData("""{"a":"y","b":{"c":"2"},"h":{"x":"1"}}""", "$.b.c: String where the sample has Number")]
    [InlineData("""{"a":"y","b":{"c":2,"d":1},"h":{"x":"1"}}""", "$.b.d: not in the sample")]
    public void AssertConforms_OtherShape_FailsNamingThePath(string actual, string problem)
    {
        var error = Assert.ThrowsAny<Exception>(() => JsonShape.AssertConforms(Sample, JsonShape.Of(actual, "$.h")));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AssertConforms_OptionalAndExtraPaths_AreNotCompared() =>
        JsonShape.AssertConforms(Sample, JsonShape.Of("""{"a":"y","h":{"x":"1"},"z":[1]}""", "$.h"), optional: ["$.b"], extra: ["$.z"]);
}
