using Portable.Azure.Worker;
using Portable.Core.App;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Patterns;
using Portable.TestKit;

namespace Portable.Azure.Tests.Worker;

/// <summary>How the manifest's HTTP functions become Azure functions with one route each, plus the catch-all.</summary>
public class AzureHttpRoutesTests
{
    private static ValueTask<PortableHttpResponse> Ok(PortableHttpRequest r, FunctionContext c, CancellationToken t) => ValueTask.FromResult(PortableHttpResponse.Empty(200));

    private static HttpTrigger Trigger(params string[] templates)
    {
        var builder = new FunctionManifestBuilder().AddHttp("f", routes =>
        {
            foreach (var template in templates)
            {
                routes.Map("GET", template, Ok);
            }
        });
        return (HttpTrigger)builder.Build().Functions[0].Trigger;
    }

    [Fact]
    public void CommonRoute_SingleTemplate_TemplateWithoutLeadingSlash() =>
        Assert.Equal("items/{id}", AzureHttpRoutes.CommonRoute(Trigger("/items/{id}")));

    [Fact]
    public void CommonRoute_SeveralTemplates_CommonLiteralPrefixAndCatchAll() =>
        Assert.Equal("shop/orders/{*rest}", AzureHttpRoutes.CommonRoute(Trigger("/shop/orders", "/shop/orders/{id}", "/shop/orders/{id}/lines")));

    [Fact]
    public void CommonRoute_NoCommonPrefix_Null() =>
        Assert.Null(AzureHttpRoutes.CommonRoute(Trigger("/a", "/b")));

    [Fact]
    public void Of_AppManifest_EveryHttpFunctionWithItsMethodsThenTheFallbackTakingEveryMethod()
    {
        var routes = AzureHttpRoutes.Of(PatternsApp.Manifest);

        Assert.Equal([.. PatternsApp.Manifest.HttpFunctions.Select(f => f.Function.Name), AzureHttpRoutes.FallbackFunctionName], routes.Select(r => r.FunctionName));
        var fallback = routes[^1];
        Assert.True(fallback.IsCatchAll);
        Assert.Null(fallback.Methods);
        Assert.All(routes.SkipLast(1), r => Assert.NotNull(r.Methods));
    }

    [Fact]
    public void Of_FunctionWithoutCommonPrefix_TakesTheCatchAllInsteadOfTheFallback()
    {
        var manifest = new FunctionManifestBuilder()
            .AddHttp("tally-api", r => r.Map("GET", "/hello/{name}", Ok).Map("GET", "/tallies/{key}", Ok))
            .AddHttp("things", r => r.Map("GET", "/things/{id}", Ok))
            .Build();

        var routes = AzureHttpRoutes.Of(manifest);

        Assert.Equal([("tally-api", "{*path}"), ("things", "things/{id}")], routes.Select(r => (r.FunctionName, r.Route)));
        Assert.Null(routes[0].Methods);
    }

    [Fact]
    public void Of_TwoFunctionsWithoutCommonPrefix_ThrowsNamingBoth()
    {
        var manifest = new FunctionManifestBuilder()
            .AddHttp("one", r => r.Map("GET", "/a", Ok).Map("GET", "/b", Ok))
            .AddHttp("two", r => r.Map("GET", "/c", Ok).Map("GET", "/d", Ok))
            .Build();

        var ex = Assert.Throws<NotSupportedException>(() => AzureHttpRoutes.Of(manifest));

        Assert.Contains("'one', 'two'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Of_ManifestWithFunctionNamedFallback_Throws()
    {
        var manifest = new FunctionManifestBuilder().AddHttp("fallback", r => r.Map("GET", "/x", Ok)).Build();

        Assert.Throws<InvalidOperationException>(() => AzureHttpRoutes.Of(manifest));
    }

    [Fact]
    public void ReadRoutePrefix_RealGoSampleWithoutPrefix_HostDefaultApi() =>
        Assert.Equal("api", IsolatedWorkerOptions.ReadRoutePrefix(File.ReadAllText(Path.Combine(RepoPaths.Samples, "azure-config", "go-host.json"))));

    [Fact]
    public void ReadRoutePrefix_OurHostJson_Empty() =>
        Assert.Equal(string.Empty, IsolatedWorkerOptions.ReadRoutePrefix(File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "Azure", "host.json"))));
}
