using System.Text.Json.Nodes;
using Portable.Emulators.Azure;

namespace Portable.Emulators.Tests.Azure;

public class FunctionRouteTableTests
{
    private static ScriptFunction Http(string name, string? route, params string[] methods)
    {
        var trigger = new JsonObject { ["type"] = "httpTrigger", ["direction"] = "in", ["name"] = "req" };
        return new ScriptFunction
        {
            Name = name,
            Bindings = [new FunctionBinding("httpTrigger", "in", "req", trigger), new FunctionBinding("http", "out", "res", new JsonObject())],
            HttpTrigger = new HttpTriggerBinding("req", FunctionRouteTemplate.Parse(route ?? name), methods.Length == 0 ? null : methods, "anonymous"),
        };
    }

    [Fact]
    public void Match_LiteralParameterAndCatchAll_LiteralWinsThenParameterThenCatchAll()
    {
        // Declared in the worst order on purpose.
        var table = new FunctionRouteTable(string.Empty, [Http("fallback", "{*path}"), Http("rest", "items/{*rest}"), Http("byid", "items/{id}"), Http("newone", "items/new")]);

        Assert.Equal("newone", table.Match("GET", "/items/new")!.Function.Name);
        Assert.Equal("byid", table.Match("GET", "/items/9")!.Function.Name);
        Assert.Equal("9", table.Match("GET", "/items/9")!.Values["id"]);
        Assert.Equal("rest", table.Match("GET", "/items/9/parts")!.Function.Name);
        Assert.Equal("rest", table.Match("GET", "/items")!.Function.Name);
        Assert.Equal("fallback", table.Match("GET", "/elsewhere")!.Function.Name);
    }

    [Fact]
    public void Match_RoutePrefix_RequiredAndStripped()
    {
        var table = new FunctionRouteTable("api", [Http("items", "items")]);

        Assert.NotNull(table.Match("GET", "/api/items"));
        Assert.Null(table.Match("GET", "/items"));
    }

    [Fact]
    public void Match_NoRouteInFunctionJson_FunctionNameIsTheRoute()
    {
        var table = new FunctionRouteTable("api", [Http("HttpTrigger", null)]);

        Assert.NotNull(table.Match("POST", "/api/httptrigger"));
    }

    [Fact]
    public void Match_MethodsListed_OtherMethodFallsThroughOrIsNoMatch()
    {
        var onlyGet = new FunctionRouteTable(string.Empty, [Http("items", "items", "GET")]);
        var withFallback = new FunctionRouteTable(string.Empty, [Http("items", "items", "GET"), Http("fallback", "{*path}")]);

        Assert.NotNull(onlyGet.Match("get", "/items"));
        Assert.Null(onlyGet.Match("POST", "/items"));
        Assert.Equal("fallback", withFallback.Match("POST", "/items")!.Function.Name);
    }

    [Fact]
    public void MatchesPath_RouteWithOtherMethods_TrueWhereMatchIsNull()
    {
        var table = new FunctionRouteTable("api", [Http("getonly", "only/{id}", "GET")]);

        Assert.Null(table.Match("DELETE", "/api/only/1"));
        Assert.True(table.MatchesPath("/api/only/1"));
        Assert.False(table.MatchesPath("/api/other/1"));
        Assert.False(table.MatchesPath("/only/1")); // the prefix is still required
    }
}
