using System.Text.Json;
using Portable.Azure.Layout;
using Portable.Core.App;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Emulators.Azure;
using Portable.TestKit;
using Portable.Core.Patterns;

namespace Portable.Azure.Tests.Layout;

public class FunctionsLayoutTests
{
    private sealed record UnmappedTrigger : FunctionTrigger
    {
        public override string Kind => "other";

        public override FunctionExecutionDelegate Bind(IServiceProvider services) => _ => ValueTask.CompletedTask;
    }

    private static JsonElement File(string relativePath)
    {
        var file = FunctionsLayout.Generate(PatternsApp.Manifest).Single(f => f.RelativePath == relativePath);
        using var document = JsonDocument.Parse(file.Content);
        return document.RootElement.Clone();
    }

    private static HttpTrigger Trigger(params string[] templates)
    {
        var builder = new FunctionManifestBuilder().AddHttp("f", routes =>
        {
            foreach (var template in templates)
            {
                routes.Map("GET", template, (_, _, _) => ValueTask.FromResult(PortableHttpResponse.Empty(200)));
            }
        });
        return (HttpTrigger)builder.Build().Functions[0].Trigger;
    }

    [Fact]
    public void Generate_AppManifest_OneFolderPerFunctionPlusFallbackAndHostFiles()
    {
        var paths = FunctionsLayout.Generate(PatternsApp.Manifest).Select(f => f.RelativePath);

        Assert.Equal(["host.json", "local.settings.json", "items-api/function.json", "ledger-writer/function.json", "accounts-api/function.json", "fallback/function.json"], paths);
    }

    [Fact]
    public void Generate_LedgerWriter_StorageQueueTriggerByDefault()
    {
        var bindings = File("ledger-writer/function.json").GetProperty("bindings");

        var trigger = Assert.Single(bindings.EnumerateArray());
        Assert.Equal("queueTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("in", trigger.GetProperty("direction").GetString());
        Assert.Equal("message", trigger.GetProperty("name").GetString());
        Assert.Equal("payments", trigger.GetProperty("queueName").GetString());
        Assert.Equal("AzureWebJobsStorage", trigger.GetProperty("connection").GetString());
    }

    [Fact]
    public void Generate_LedgerWriterOnServiceBus_ServiceBusTriggerAndConnectionSetting()
    {
        var files = FunctionsLayout.Generate(PatternsApp.Manifest, AzureLayoutOptions.WithServiceBus("ledger-writer"));
        using var function = JsonDocument.Parse(files.Single(f => f.RelativePath == "ledger-writer/function.json").Content);
        using var settings = JsonDocument.Parse(files.Single(f => f.RelativePath == "local.settings.json").Content);
        using var host = JsonDocument.Parse(files.Single(f => f.RelativePath == "host.json").Content);

        var trigger = Assert.Single(function.RootElement.GetProperty("bindings").EnumerateArray());
        Assert.Equal("serviceBusTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("payments", trigger.GetProperty("queueName").GetString());
        Assert.Equal("ServiceBusConnection", trigger.GetProperty("connection").GetString());
        Assert.True(settings.RootElement.GetProperty("Values").TryGetProperty("ServiceBusConnection", out _));
        Assert.False(settings.RootElement.GetProperty("Values").TryGetProperty("AzureWebJobsStorage", out _));
        Assert.False(host.RootElement.GetProperty("extensions").TryGetProperty("queues", out _));
        Assert.True(host.RootElement.TryGetProperty("extensionBundle", out _));
    }

    [Fact]
    public void Generate_ServiceBusForAnHttpFunction_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => FunctionsLayout.Generate(PatternsApp.Manifest, AzureLayoutOptions.WithServiceBus("items-api")));

        Assert.Contains("'items-api'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_HostJson_QueueSettingsFromTheStorageQueueProfileAndExtensionBundle()
    {
        var host = File("host.json");

        var queues = host.GetProperty("extensions").GetProperty("queues");
        Assert.Equal(5, queues.GetProperty("maxDequeueCount").GetInt32());
        Assert.Equal("00:00:00", queues.GetProperty("visibilityTimeout").GetString());
        Assert.Equal("base64", queues.GetProperty("messageEncoding").GetString());
        Assert.Equal("Microsoft.Azure.Functions.ExtensionBundle", host.GetProperty("extensionBundle").GetProperty("id").GetString());
    }

    [Fact]
    public void Generate_HttpOnlyManifest_NoExtensionBundleNorQueueSettings()
    {
        var manifest = new FunctionManifestBuilder().AddHttp("f", r => r.Map("GET", "/x", (_, _, _) => ValueTask.FromResult(PortableHttpResponse.Empty(200)))).Build();
        using var host = JsonDocument.Parse(FunctionsLayout.Generate(manifest).Single(f => f.RelativePath == "host.json").Content);

        Assert.False(host.RootElement.TryGetProperty("extensionBundle", out _));
        Assert.False(host.RootElement.GetProperty("extensions").TryGetProperty("queues", out _));
    }

    [Fact]
    public void Generate_AccountsFunctionJson_SingleTemplateRoute() =>
        Assert.Equal("accounts/{account}", File("accounts-api/function.json").GetProperty("bindings")[0].GetProperty("route").GetString());

    [Fact]
    public void Generate_HostJson_CustomHandlerWithForwardingAndEmptyRoutePrefix()
    {
        var host = File("host.json");

        Assert.Equal("2.0", host.GetProperty("version").GetString());
        Assert.Equal("Portable.Azure", host.GetProperty("customHandler").GetProperty("description").GetProperty("defaultExecutablePath").GetString());
        Assert.True(host.GetProperty("customHandler").GetProperty("enableForwardingHttpRequest").GetBoolean());
        Assert.Equal(string.Empty, host.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.Equal("Information", host.GetProperty("logging").GetProperty("logLevel").GetProperty("default").GetString());
    }

    [Fact]
    public void Generate_ItemsFunctionJson_AnonymousCatchAllRouteWithoutMethods()
    {
        var bindings = File("items-api/function.json").GetProperty("bindings");

        Assert.Equal(2, bindings.GetArrayLength());
        var trigger = bindings[0];
        Assert.Equal("httpTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("in", trigger.GetProperty("direction").GetString());
        Assert.Equal("req", trigger.GetProperty("name").GetString());
        Assert.Equal("anonymous", trigger.GetProperty("authLevel").GetString());
        Assert.Equal("items/{*rest}", trigger.GetProperty("route").GetString());
        Assert.False(trigger.TryGetProperty("methods", out _));
        Assert.Equal("http", bindings[1].GetProperty("type").GetString());
        Assert.Equal("out", bindings[1].GetProperty("direction").GetString());
        Assert.Equal("res", bindings[1].GetProperty("name").GetString());
    }

    [Fact]
    public void Generate_Fallback_CatchAllPathRoute()
    {
        var trigger = File("fallback/function.json").GetProperty("bindings")[0];

        Assert.Equal("{*path}", trigger.GetProperty("route").GetString());
        Assert.False(trigger.TryGetProperty("methods", out _));
    }

    [Fact]
    public void Generate_LocalSettings_CustomWorkerRuntimeAndAzuriteStorage()
    {
        var values = File("local.settings.json").GetProperty("Values");

        Assert.Equal("Custom", values.GetProperty("FUNCTIONS_WORKER_RUNTIME").GetString());
        Assert.Equal("UseDevelopmentStorage=true", values.GetProperty("AzureWebJobsStorage").GetString());
    }

    [Fact]
    public void RouteFor_SingleTemplate_TemplateWithoutLeadingSlash() =>
        Assert.Equal("items/{id}", FunctionJsonWriter.RouteFor("f", Trigger("/items/{id}")));

    [Fact]
    public void RouteFor_SeveralTemplates_CommonLiteralPrefixAndCatchAll() =>
        Assert.Equal("shop/orders/{*rest}", FunctionJsonWriter.RouteFor("f", Trigger("/shop/orders", "/shop/orders/{id}", "/shop/orders/{id}/lines")));

    [Fact]
    public void RouteFor_NoCommonPrefix_ThrowsNamingTheFunction()
    {
        var ex = Assert.Throws<NotSupportedException>(() => FunctionJsonWriter.RouteFor("f", Trigger("/a", "/b")));

        Assert.Contains("'f'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_FunctionWithoutCommonPrefix_TakesTheCatchAllInsteadOfTheFallback()
    {
        static ValueTask<PortableHttpResponse> Ok(PortableHttpRequest r, FunctionContext c, CancellationToken t) => ValueTask.FromResult(PortableHttpResponse.Empty(200));
        var manifest = new FunctionManifestBuilder()
            .AddHttp("tally-api", r => r.Map("GET", "/hello/{name}", Ok).Map("GET", "/tallies/{key}", Ok))
            .AddHttp("things", r => r.Map("GET", "/things/{id}", Ok))
            .Build();

        var files = FunctionsLayout.Generate(manifest);

        Assert.DoesNotContain(files, f => f.RelativePath.StartsWith(FunctionsLayout.FallbackFunctionName + "/", StringComparison.Ordinal));
        using var tally = JsonDocument.Parse(files.Single(f => f.RelativePath == "tally-api/function.json").Content);
        Assert.Equal("{*path}", tally.RootElement.GetProperty("bindings")[0].GetProperty("route").GetString());
        using var things = JsonDocument.Parse(files.Single(f => f.RelativePath == "things/function.json").Content);
        Assert.Equal("things/{id}", things.RootElement.GetProperty("bindings")[0].GetProperty("route").GetString());
    }

    [Fact]
    public void Generate_TwoFunctionsWithoutCommonPrefix_ThrowsNamingBoth()
    {
        static ValueTask<PortableHttpResponse> Ok(PortableHttpRequest r, FunctionContext c, CancellationToken t) => ValueTask.FromResult(PortableHttpResponse.Empty(200));
        var manifest = new FunctionManifestBuilder()
            .AddHttp("one", r => r.Map("GET", "/a", Ok).Map("GET", "/b", Ok))
            .AddHttp("two", r => r.Map("GET", "/c", Ok).Map("GET", "/d", Ok))
            .Build();

        var ex = Assert.Throws<NotSupportedException>(() => FunctionsLayout.Generate(manifest));

        Assert.Contains("'one', 'two'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_UnknownTriggerType_ThrowsNamingTypeAndFunction()
    {
        var ex = Assert.Throws<NotSupportedException>(() => FunctionJsonWriter.Write(new FunctionDefinition("tick", new UnmappedTrigger())));

        Assert.Contains("'tick'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(UnmappedTrigger), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_ManifestWithFunctionNamedFallback_Throws()
    {
        var manifest = new FunctionManifestBuilder().AddHttp("fallback", r => r.Map("GET", "/x", (_, _, _) => ValueTask.FromResult(PortableHttpResponse.Empty(200)))).Build();

        Assert.Throws<InvalidOperationException>(() => FunctionsLayout.Generate(manifest));
    }

    [Fact]
    public void ReadRoutePrefix_RealGoSampleWithoutPrefix_HostDefaultApi() =>
        Assert.Equal("api", HostJsonWriter.ReadRoutePrefix(System.IO.File.ReadAllText(Path.Combine(RepoPaths.Samples, "azure-config", "go-host.json"))));

    [Fact]
    public void WriteTo_Directory_LoadsInTheHostEmulatorWithExpectedRouting()
    {
        var root = Directory.CreateTempSubdirectory("portable-azure-layout-").FullName;
        try
        {
            FunctionsLayout.WriteTo(root, PatternsApp.Manifest);

            var scriptRoot = FunctionsScriptRoot.Load(root);

            Assert.True(scriptRoot.EnableForwardingHttpRequest);
            Assert.Equal(string.Empty, scriptRoot.RoutePrefix);
            Assert.Equal("items-api", scriptRoot.Routes.Match("GET", "/items")!.Function.Name);
            Assert.Equal("items-api", scriptRoot.Routes.Match("DELETE", "/items/1")!.Function.Name);
            Assert.Equal("accounts-api", scriptRoot.Routes.Match("GET", "/accounts/acc-1")!.Function.Name);
            Assert.Equal("fallback", scriptRoot.Routes.Match("GET", "/nothing/here")!.Function.Name);
            Assert.All(scriptRoot.Functions.Where(f => f.Name != "ledger-writer"), f => Assert.True(f.IsHttpOnly));
            var ledger = scriptRoot.Find("ledger-writer")!;
            Assert.Null(ledger.HttpTrigger);
            Assert.Equal("queueTrigger", Assert.Single(ledger.Bindings).Type);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
