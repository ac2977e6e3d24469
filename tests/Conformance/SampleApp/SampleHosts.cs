namespace Portable.Conformance.SampleApp;

/// <summary>Starts the sample on each host by name, and what the starts share.</summary>
internal static class SampleHosts
{
    /// <summary>Every host the sample runs on, each through its platform's protocol.</summary>
    public static readonly string[] Names = ["local", "aws", "gcp", "azure"];

    /// <summary>Starts the sample on <paramref name="name"/> with empty state.</summary>
    public static Task<ISampleHostUnderTest> StartAsync(string name) => name switch
    {
        "local" => LocalSampleHost.StartAsync(),
        "aws" => AwsSampleHost.StartAsync(),
        "gcp" => GcpSampleHost.StartAsync(),
        "azure" => AzureSampleHost.StartAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "No such host."),
    };

    /// <summary><c>PORTABLE_SAMPLE_HOST</c>=<paramref name="host"/>, the entry point the sample's executable runs, over <paramref name="variables"/>.</summary>
    public static Dictionary<string, string?> Environment(string host, IReadOnlyDictionary<string, string?>? variables = null) =>
        new(variables ?? new Dictionary<string, string?>(), StringComparer.Ordinal) { ["PORTABLE_SAMPLE_HOST"] = host };

    /// <summary>Waits for <paramref name="starting"/> to end and disposes what it started, if it did (a start that failed cleaned up itself).</summary>
    public static async Task DisposeIfStartedAsync<T>(Task<T>? starting)
        where T : IAsyncDisposable
    {
        if (starting is null)
        {
            return;
        }

        await Task.WhenAny(starting);
        if (starting.IsCompletedSuccessfully)
        {
            await starting.Result.DisposeAsync();
        }
    }
}
