using Xunit.Abstractions;
using Portable.Emulators.Azure.Isolated;
using Portable.TestKit;

namespace Portable.Emulators.Tests.Azure.Isolated;

/// <summary>tests/IsolatedWorkerApp, a plain isolated worker app, from its own build output (built with this project).</summary>
internal static class IsolatedWorkerApp
{
    /// <summary>The app folder: its build output, with worker.config.json, functions.metadata and .azurefunctions/.</summary>
    public static string Directory => Path.GetDirectoryName(RepoPaths.BuildOutput("tests/IsolatedWorkerApp", "worker.config.json"))!;

    /// <summary>Starts the emulator on the app; the worker's logs go to <paramref name="output"/> when given.</summary>
    public static Task<IsolatedFunctionsHost> StartAsync(ITestOutputHelper? output = null, Func<IsolatedFunctionsHostOptions, IsolatedFunctionsHostOptions>? configure = null)
    {
        var options = new IsolatedFunctionsHostOptions
        {
            AppDirectory = Directory,
            OnLog = output is null ? null : log => Write(output, log.ToString()),
        };
        return IsolatedFunctionsHost.StartAsync(configure?.Invoke(options) ?? options);
    }

    private static void Write(ITestOutputHelper output, string line)
    {
        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // a log that arrives after the test ended has nowhere to go
        }
    }
}
