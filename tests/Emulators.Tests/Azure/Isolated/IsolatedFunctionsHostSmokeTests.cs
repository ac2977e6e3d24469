using Xunit.Abstractions;
namespace Portable.Emulators.Tests.Azure.Isolated;

public sealed class IsolatedFunctionsHostSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Smoke()
    {
        await using var host = await IsolatedWorkerApp.StartAsync(output);
        foreach (var f in host.Functions)
        {
            output.WriteLine($"{f.Name} {f.FunctionId} {string.Join(" | ", f.RawBindings)}");
        }

        using var client = host.CreateClient();
        var response = await client.GetAsync("echo/abc?q=1");
        output.WriteLine($"{response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(0, await host.StopAsync());
    }
}
