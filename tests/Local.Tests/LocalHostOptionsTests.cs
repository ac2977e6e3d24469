namespace Portable.Local.Tests;

public sealed class LocalHostOptionsTests
{
    private static string? NoEnv(string name) => null;

    [Fact]
    public void Parse_NoArguments_Uses8080AndLocalDataFolder()
    {
        var (options, error) = LocalHostOptions.Parse([], NoEnv);
        Assert.Null(error);
        Assert.Equal(8080, options!.Port);
        Assert.Equal(Path.Combine(".portable", "data"), options.DataDirectory);
    }

    [Fact]
    public void Parse_PortVariable_IsUsed()
    {
        var (options, _) = LocalHostOptions.Parse([], n => n == "PORT" ? "9000" : null);
        Assert.Equal(9000, options!.Port);
    }

    [Fact]
    public void Parse_PortFlag_WinsOverVariable()
    {
        var (options, _) = LocalHostOptions.Parse(["--port", "9100", "--data", "/tmp/x"], n => n == "PORT" ? "9000" : null);
        Assert.Equal(9100, options!.Port);
        Assert.Equal("/tmp/x", options.DataDirectory);
    }

    [Theory]
    [InlineData("--port", "abc")]
    [InlineData("--port", "70000")]
    [InlineData("--port")]
    [InlineData("--data")]
    [InlineData("--bogus")]
    public void Parse_BadArguments_ReturnsClearError(params string[] args)
    {
        var (options, error) = LocalHostOptions.Parse(args, NoEnv);
        Assert.Null(options);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void Parse_BadPortVariable_ReturnsError()
    {
        var (options, error) = LocalHostOptions.Parse([], n => n == "PORT" ? "eighty" : null);
        Assert.Null(options);
        Assert.Contains("PORT", error, StringComparison.Ordinal);
    }
}
