using System.Text;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Messaging;
using Portable.TestKit;

namespace Portable.Testing.Tests;

/// <summary>The README's "Testing your functions" example is this test, word for word.</summary>
public sealed class ReadmeExampleTests
{
    // README example: begin
    [Fact]
    public async Task Hello_GreetsByName_AndOrdersDeadLetterAnEmptyOrder()
    {
        var app = new FunctionApp(new FunctionManifestBuilder()
            .AddHttp("hello", r => r.Map("GET", "/hello/{name}", (request, context, ct) => ValueTask.FromResult(
                new PortableHttpResponse { StatusCode = 200, Body = Encoding.UTF8.GetBytes($"Hello, {request.RouteValues["name"]}!") })))
            .AddQueue("orders", "orders", (message, context, ct) => ValueTask.FromResult(
                message.Body.IsEmpty ? MessageResult.DeadLetter("empty order") : MessageResult.Success))
            .Build());
        await using var host = new FunctionTestHost(app);

        var response = await host.SendAsync(HttpRequestBuilder.Get("/hello/ada"));
        var settlement = await host.DeliverOneAsync("orders", MessageBuilder.Text("").Build());

        Assert.Equal("Hello, ada!", Encoding.UTF8.GetString(response.Body.Span));
        Assert.Equal(MessageOutcome.DeadLetter, settlement.Outcome);
        Assert.Equal("empty order", Assert.Single(host.DeadLetters.Received).Reason);
    }

    // README example: end
    [Fact]
    public void Readme_TestingSection_IsTheExampleAbove()
    {
        static string[] Lines(string text) =>
            [.. text.ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)];

        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var source = File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "Testing.Tests", "ReadmeExampleTests.cs"));
        var shown = Between(readme, "<!-- testing-example:begin -->\n```csharp\n", "```\n<!-- testing-example:end -->");
        var tested = Between(source, "// README example: begin\n", "// README example: end");

        Assert.Equal(Lines(tested), Lines(shown));
    }

    private static string Between(string text, string begin, string end)
    {
        text = text.ReplaceLineEndings("\n");
        var start = text.IndexOf(begin, StringComparison.Ordinal);
        var stop = text.IndexOf(end, StringComparison.Ordinal);
        Assert.True(start >= 0 && stop > start, $"No '{begin.Trim()}' … '{end.Trim()}' block.");
        return text[(start + begin.Length)..stop];
    }
}
