using Microsoft.Extensions.Time.Testing;
using Portable.Core.State;

namespace Portable.Core.Tests.State;

public sealed class SortableIdTests
{
    [Fact]
    public void New_LaterTime_SortsAfterEarlierId()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var first = SortableId.New(time);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var second = SortableId.New(time);
        Assert.True(string.CompareOrdinal(first, second) < 0);
        Assert.True(SortableId.IsWellFormed(first));
        Assert.Equal(26, first.Length);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("01M83VFSR93PF3JDXCD2A66DK")]
    [InlineData("01M83VFSR93PF3JDXCD2A66DKU")]
    public void IsWellFormed_Junk_ReturnsFalse(string? value) => Assert.False(SortableId.IsWellFormed(value));
}
