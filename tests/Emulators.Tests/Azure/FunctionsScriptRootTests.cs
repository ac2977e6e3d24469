using Portable.Emulators.Azure;

namespace Portable.Emulators.Tests.Azure;

public sealed class FunctionsScriptRootTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("portable-script-root-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Copy(string sample, string relativePath)
    {
        var target = Path.Combine(_root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(AzureSamples.Path("azure-config", sample), target);
    }

    [Fact]
    public void Load_RealGoSample_CustomHandlerForwardingAndDefaultApiPrefix()
    {
        Copy("go-host.json", "host.json");
        Copy("go-HttpTriggerWithOutputs-function.json", "HttpTriggerWithOutputs/function.json");
        Copy("go-QueueTrigger-function.json", "QueueTrigger/function.json");
        Copy("go-BlobTrigger-function.json", "BlobTrigger/function.json");

        var root = FunctionsScriptRoot.Load(_root);

        Assert.Equal("GoCustomHandlers.exe", root.Handler.DefaultExecutablePath);
        Assert.True(root.EnableForwardingHttpRequest);
        Assert.Equal("api", root.RoutePrefix);
        Assert.Equal(["BlobTrigger", "HttpTriggerWithOutputs", "QueueTrigger"], root.Functions.Select(f => f.Name));
        var http = root.Find("httptriggerwithoutputs")!;
        Assert.Equal(["GET", "POST"], http.HttpTrigger!.Methods);
        Assert.Equal("res", http.HttpOutputName);
        Assert.False(http.IsHttpOnly); // the extra queue output forces payload mode
        Assert.Null(root.Find("QueueTrigger")!.HttpTrigger);
        Assert.Equal("HttpTriggerWithOutputs", root.Routes.Match("POST", "/api/HttpTriggerWithOutputs")!.Function.Name);
        Assert.Null(root.Routes.Match("DELETE", "/api/HttpTriggerWithOutputs"));
    }

    [Fact]
    public void Load_RealLegacyHttpWorkerSample_ReadsDescriptionAndHttpOnlyFunction()
    {
        Copy("azure-functions-host-sample-HttpWorker-host.json", "host.json");
        Copy("azure-functions-host-sample-HttpWorker-HttpTrigger-function.json", "HttpTrigger/function.json");

        var root = FunctionsScriptRoot.Load(_root);

        Assert.Equal("node", root.Handler.DefaultExecutablePath);
        Assert.Equal("server.js", root.Handler.DefaultWorkerPath);
        Assert.False(root.EnableForwardingHttpRequest);
        Assert.True(root.Find("HttpTrigger")!.IsHttpOnly);
    }

    [Fact]
    public void Load_NoHostJson_ThrowsSayingSo()
    {
        var ex = Assert.Throws<InvalidDataException>(() => FunctionsScriptRoot.Load(_root));

        Assert.Contains("host.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_HostJsonWithoutCustomHandler_ThrowsSayingSo()
    {
        File.WriteAllText(Path.Combine(_root, "host.json"), """{"version":"2.0"}""");

        var ex = Assert.Throws<InvalidDataException>(() => FunctionsScriptRoot.Load(_root));

        Assert.Contains("customHandler", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadRoute_ThrowsNamingTheFile()
    {
        File.WriteAllText(Path.Combine(_root, "host.json"), """{"version":"2.0","customHandler":{"description":{"defaultExecutablePath":"x"}}}""");
        Directory.CreateDirectory(Path.Combine(_root, "f"));
        File.WriteAllText(Path.Combine(_root, "f", "function.json"), """{"bindings":[{"type":"httpTrigger","direction":"in","name":"req","route":"a/{*r}/b"}]}""");

        var ex = Assert.Throws<InvalidDataException>(() => FunctionsScriptRoot.Load(_root));

        Assert.Contains("function.json", ex.Message, StringComparison.Ordinal);
    }
}
