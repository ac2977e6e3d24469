using Portable.Core.App;
using Portable.Core.Patterns;

namespace Portable.Gcp.Tests;

public sealed class CloudRunSettingsTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void TryRead_EmptyEnvironment_DefaultsToPort8080AndEveryFunction()
    {
        Assert.True(CloudRunSettings.TryRead(Env(), PatternsApp.Manifest, out var settings, out var error));
        Assert.Null(error);
        Assert.Equal(new CloudRunSettings(8080, null, null), settings);
    }

    [Fact]
    public void TryRead_PortTargetAndProject_ReadsAll()
    {
        Assert.True(CloudRunSettings.TryRead(
            Env(("PORT", "9090"), ("FUNCTION_TARGET", "items-api"), ("GOOGLE_CLOUD_PROJECT", "demo")), PatternsApp.Manifest, out var settings, out _));
        Assert.Equal(new CloudRunSettings(9090, "items-api", "demo"), settings);
    }

    [Fact]
    public void TryRead_EmptyFunctionTarget_ServesEveryFunction()
    {
        Assert.True(CloudRunSettings.TryRead(Env(("FUNCTION_TARGET", "")), PatternsApp.Manifest, out var settings, out _));
        Assert.Null(settings.FunctionTarget);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("+80")]
    [InlineData("8080 ")]
    public void TryRead_InvalidPort_FailsNamingTheValue(string port)
    {
        Assert.False(CloudRunSettings.TryRead(Env(("PORT", port)), PatternsApp.Manifest, out var settings, out var error));
        Assert.Null(settings);
        Assert.Equal($"PORT must be a TCP port number from 1 to 65535, but it is '{port}'.", error);
    }

    [Fact]
    public void TryRead_UnknownFunctionTarget_FailsListingDeclaredFunctions()
    {
        Assert.False(CloudRunSettings.TryRead(Env(("FUNCTION_TARGET", "nope")), PatternsApp.Manifest, out _, out var error));
        Assert.Equal($"FUNCTION_TARGET 'nope' is not a function in the manifest. Declared: {string.Join(", ", PatternsApp.Manifest.Functions.Select(f => f.Name))}.", error);
        Assert.Contains("items-api", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ShutdownTimeout_IsInsideCloudRunsTenSecondGrace()
    {
        Assert.InRange(CloudRunSettings.ShutdownTimeout, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(9.5));
    }
}
