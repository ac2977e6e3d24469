using System.Text.Json;
using Portable.Azure.Layout;
using Portable.Core.App;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Local.Emulators.Azure;
using Portable.TestKit;

namespace Portable.Azure.Tests.Layout;

public class FunctionsLayoutTests
{
    private sealed record UnmappedTrigger : FunctionTrigger;

    private static JsonElement File(string relativePath)
    {
        var file = FunctionsLayout.Generate(PortableApp.Manifest).Single(f => f.RelativePath == relativePath);
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
    public void Generate_ItemsManifest_OneFolderPerFunctionPlusFallbackAndHostFiles()
    {
        var paths = FunctionsLayout.Generate(PortableApp.Manifest).Select(f => f.RelativePath);

        Assert.Equal(["host.json", "local.settings.json", "items-api/function.json", "fallback/function.json"], paths);
    }

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
    public void Generate_LocalSettings_CustomWorkerRuntime()
    {
        Assert.Equal("Custom", File("local.settings.json").GetProperty("Values").GetProperty("FUNCTIONS_WORKER_RUNTIME").GetString());
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
            FunctionsLayout.WriteTo(root, PortableApp.Manifest);

            var scriptRoot = FunctionsScriptRoot.Load(root);

            Assert.True(scriptRoot.EnableForwardingHttpRequest);
            Assert.Equal(string.Empty, scriptRoot.RoutePrefix);
            Assert.Equal("items-api", scriptRoot.Routes.Match("GET", "/items")!.Function.Name);
            Assert.Equal("items-api", scriptRoot.Routes.Match("DELETE", "/items/1")!.Function.Name);
            Assert.Equal("fallback", scriptRoot.Routes.Match("GET", "/nothing/here")!.Function.Name);
            Assert.All(scriptRoot.Functions, f => Assert.True(f.IsHttpOnly));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
