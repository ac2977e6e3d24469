using Portable.Azure.Hosting;

namespace Portable.Azure.Tests.Hosting;

public sealed class CustomHandlerOptionsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("portable-azure-options-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private (CustomHandlerOptions? Options, string? Error) Read(Dictionary<string, string> environment) =>
        CustomHandlerOptions.FromEnvironment(name => environment.GetValueOrDefault(name), _root);

    [Fact]
    public void FromEnvironment_NoPortVariable_ErrorNamesBothVariables()
    {
        var (options, error) = Read([]);

        Assert.Null(options);
        Assert.Contains("FUNCTIONS_CUSTOMHANDLER_PORT", error, StringComparison.Ordinal);
        Assert.Contains("FUNCTIONS_HTTPWORKER_PORT", error, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_CustomHandlerPort_UsesIt()
    {
        var (options, _) = Read(new() { ["FUNCTIONS_CUSTOMHANDLER_PORT"] = "5123", ["FUNCTIONS_HTTPWORKER_PORT"] = "6000" });

        Assert.Equal(5123, options!.Port);
    }

    [Fact]
    public void FromEnvironment_AzureWebJobsStorage_BecomesTheStorageConnection()
    {
        var (options, _) = Read(new() { ["FUNCTIONS_CUSTOMHANDLER_PORT"] = "5123", ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" });

        Assert.Equal("UseDevelopmentStorage=true", options!.StorageConnection);
    }

    [Fact]
    public void FromEnvironment_NoAzureWebJobsStorage_NoStorageConnection() =>
        Assert.Null(Read(new() { ["FUNCTIONS_CUSTOMHANDLER_PORT"] = "5123" }).Options!.StorageConnection);

    [Fact]
    public void FromEnvironment_OnlyLegacyPort_FallsBackToIt()
    {
        var (options, _) = Read(new() { ["FUNCTIONS_HTTPWORKER_PORT"] = "6000" });

        Assert.Equal(6000, options!.Port);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("70000")]
    public void FromEnvironment_InvalidPort_Error(string port)
    {
        var (options, error) = Read(new() { ["FUNCTIONS_CUSTOMHANDLER_PORT"] = port });

        Assert.Null(options);
        Assert.Contains(port, error, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_NoHostJson_NoRoutePrefix()
    {
        var (options, _) = Read(new() { ["FUNCTIONS_CUSTOMHANDLER_PORT"] = "5123" });

        Assert.Equal(string.Empty, options!.RoutePrefix);
    }

    [Fact]
    public void FromEnvironment_HostJsonWithoutPrefixInAppRoot_UsesHostDefaultApi()
    {
        var appRoot = Directory.CreateDirectory(Path.Combine(_root, "app")).FullName;
        File.WriteAllText(Path.Combine(appRoot, "host.json"), """{ "version": "2.0", /* comment */ }""");

        var (options, _) = Read(new() { ["FUNCTIONS_CUSTOMHANDLER_PORT"] = "5123", ["FUNCTIONS_APP_ROOT_PATH"] = appRoot });

        Assert.Equal("api", options!.RoutePrefix);
    }

    [Fact]
    public void FromEnvironment_GeneratedHostJson_EmptyPrefix()
    {
        File.WriteAllText(Path.Combine(_root, "host.json"), Portable.Azure.Layout.HostJsonWriter.Write("Portable.Azure"));

        var (options, _) = Read(new() { ["FUNCTIONS_CUSTOMHANDLER_PORT"] = "5123" });

        Assert.Equal(string.Empty, options!.RoutePrefix);
    }
}
