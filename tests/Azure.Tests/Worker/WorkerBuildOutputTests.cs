using System.Globalization;
using System.Text.Json;
using Portable.Core.Messaging;
using Portable.TestKit;

namespace Portable.Azure.Tests.Worker;

/// <summary>What the Functions host reads from an isolated app's folder is in src/Azure's build output.</summary>
public class WorkerBuildOutputTests
{
    private static JsonElement ReadJson(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(RepoPaths.BuildOutput("src/Azure", file)));
        return document.RootElement.Clone();
    }

    [Fact]
    public void BuildOutput_WorkerConfig_StartsPortableAzureUnderDotnetWithWorkerIndexing()
    {
        var description = ReadJson("worker.config.json").GetProperty("description");

        Assert.Equal("dotnet-isolated", description.GetProperty("language").GetString());
        Assert.Equal("dotnet", description.GetProperty("defaultExecutablePath").GetString());
        Assert.Equal("Portable.Azure.dll", description.GetProperty("defaultWorkerPath").GetString());
        Assert.Equal("true", description.GetProperty("workerIndexing").GetString());
    }

    [Fact]
    public void BuildOutput_Extensions_HoldTheStorageQueuesHostExtensionAndItsAssembly()
    {
        var extensions = ReadJson("extensions.json").GetProperty("extensions").EnumerateArray().ToList();

        var queues = Assert.Single(extensions, e => e.GetProperty("name").GetString() == "AzureStorageQueues");
        var hint = queues.GetProperty("hintPath").GetString()!;
        Assert.StartsWith("./.azurefunctions/", hint, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(RepoPaths.BuildOutput("src/Azure", "extensions.json"))!, hint)), hint);
    }

    [Fact]
    public void BuildOutput_Extensions_HoldTheDurableHostExtensionForTheDurableSagaRunner()
    {
        // Portable.Azure.DurableExtension's implicit registration: no [Function] attribute brings the extension in.
        var extensions = ReadJson("extensions.json").GetProperty("extensions").EnumerateArray().ToList();

        var durable = Assert.Single(extensions, e => e.GetProperty("name").GetString() == "DurableTask");
        Assert.StartsWith("Microsoft.Azure.WebJobs.Extensions.DurableTask.DurableTaskWebJobsStartup, ", durable.GetProperty("typeName").GetString(), StringComparison.Ordinal);
        var hint = durable.GetProperty("hintPath").GetString()!;
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(RepoPaths.BuildOutput("src/Azure", "extensions.json"))!, hint)), hint);
    }

    [Fact]
    public void BuildOutput_Extensions_HoldTheBlobsHostExtensionForStorageFunctions()
    {
        // Portable.Azure.BlobsExtension's implicit registration: the manifest's blobTrigger functions carry no attribute.
        var extensions = ReadJson("extensions.json").GetProperty("extensions").EnumerateArray().ToList();

        var blobs = Assert.Single(extensions, e => e.GetProperty("name").GetString() == "AzureStorageBlobs");
        var hint = blobs.GetProperty("hintPath").GetString()!;
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(RepoPaths.BuildOutput("src/Azure", "extensions.json"))!, hint)), hint);
    }

    [Fact]
    public void BuildOutput_FunctionsMetadata_PresentAndEmptyBecauseTheWorkerIndexesTheManifest()
    {
        // The SDK writes it from [Function] attributes; the host reads it only without worker indexing.
        Assert.Equal(JsonValueKind.Array, ReadJson("functions.metadata").ValueKind);
    }

    [Fact]
    public void BuildOutput_HostJson_EmptyRoutePrefixAndTheStorageQueueDeliveryProfile()
    {
        var host = ReadJson("host.json");
        var profile = DeliveryProfile.AzureStorageQueue;

        Assert.Equal("2.0", host.GetProperty("version").GetString());
        Assert.Equal(string.Empty, host.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        var queues = host.GetProperty("extensions").GetProperty("queues");
        Assert.Equal(profile.MaxDeliveries, queues.GetProperty("maxDequeueCount").GetInt32());
        Assert.Equal(profile.RetryDelay, TimeSpan.Parse(queues.GetProperty("visibilityTimeout").GetString()!, CultureInfo.InvariantCulture));
        Assert.Equal("base64", queues.GetProperty("messageEncoding").GetString());
        Assert.False(host.TryGetProperty("customHandler", out _));
        Assert.False(host.TryGetProperty("extensionBundle", out _), "an isolated app brings its extensions in .azurefunctions");
    }

    [Fact]
    public void BuildOutput_LocalSettings_IsolatedWorkerOnAzurite()
    {
        var values = ReadJson("local.settings.json").GetProperty("Values");

        Assert.Equal("dotnet-isolated", values.GetProperty("FUNCTIONS_WORKER_RUNTIME").GetString());
        Assert.Equal("UseDevelopmentStorage=true", values.GetProperty("AzureWebJobsStorage").GetString());
    }
}
