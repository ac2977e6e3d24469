using System.Text.Json;

namespace Portable.Emulators.Tests.Azure.Isolated;

/// <summary>What the Worker SDK (2.1.0) puts in an isolated app's build output: what the real host needs to run it.</summary>
public sealed class IsolatedWorkerAppBuildTests
{
    [Fact]
    public void BuildOutput_HasWhatTheHostReads()
    {
        var app = IsolatedWorkerApp.Directory;

        var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(app, "worker.config.json"))).RootElement.GetProperty("description");
        Assert.Equal("dotnet-isolated", config.GetProperty("language").GetString());
        Assert.Equal("Portable.IsolatedWorkerApp.dll", config.GetProperty("defaultWorkerPath").GetString());
        Assert.Equal("true", config.GetProperty("workerIndexing").GetString());

        var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(app, "functions.metadata"))).RootElement;
        Assert.Contains(metadata.EnumerateArray(), f => f.GetProperty("name").GetString() == "Echo");

        var extensions = JsonDocument.Parse(File.ReadAllText(Path.Combine(app, "extensions.json"))).RootElement.GetProperty("extensions");
        Assert.Contains(extensions.EnumerateArray(), e => e.GetProperty("name").GetString() == "AzureStorageQueues");
        Assert.True(File.Exists(Path.Combine(app, ".azurefunctions", "Microsoft.Azure.WebJobs.Extensions.Storage.Queues.dll")));
        Assert.True(File.Exists(Path.Combine(app, "host.json")));
    }
}
