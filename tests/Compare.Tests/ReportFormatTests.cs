using Portable.Compare.Report;

namespace Portable.Compare.Tests;

public sealed class ReportFormatTests
{
    [Theory]
    [InlineData(0, "0 ms")]
    [InlineData(0.004, "< 0.01 ms")]
    [InlineData(0.35, "0.35 ms")]
    [InlineData(2.54, "2.5 ms")]
    [InlineData(9.96, "10 ms")]
    [InlineData(12.4, "12 ms")]
    [InlineData(999.4, "999 ms")]
    [InlineData(999.7, "1 s")]
    [InlineData(1420, "1.4 s")]
    [InlineData(29_000, "29 s")]
    [InlineData(59_960, "1 min")]
    [InlineData(230_000, "3 min 50 s")]
    [InlineData(7_500_000, "2 h 5 min")]
    [InlineData(-12, "-12 ms")]
    public void Duration_ReadableUnitAfterRounding(double milliseconds, string expected) =>
        Assert.Equal(expected, ReportFormat.Duration(TimeSpan.FromMilliseconds(milliseconds)));

    [Fact]
    public void Cells_NoFigures_EveryOptionalCellIsADash()
    {
        var cells = ReportFormat.Cells(new Model.HostResult { Host = "gcp", Outcome = "  " });

        Assert.Equal(["gcp", "–", "–", "–", "–", "–", "–", "–", "–"], cells);
    }

    [Fact]
    public void Text_NewLinesAndRunsOfSpaces_BecomeOneSpace() =>
        Assert.Equal("a b c", ReportFormat.Text("  a\r\n  b\t\tc \n"));

    [Theory]
    [InlineData(0, 1, 1)]
    [InlineData(12, 5, 3)]
    [InlineData(310, 100, 4)]
    [InlineData(100, 50, 2)]
    [InlineData(75_000, 20_000, 4)]
    public void Ticks_RoundStepCoveringTheLargestValue(double max, double step, int count) =>
        Assert.Equal((step, count), BarChart.Ticks(max));
}
