using System.Text.RegularExpressions;
using Portable.Core.Patterns.Ledger;
using Portable.Emulators.Azure;

namespace Portable.HostsUnderTest;

/// <summary>
/// The Azure Functions app as the Functions host runs it: the real custom handler (src/Azure's build output, under
/// <c>dotnet</c>) started by the Functions host emulator from the committed script root in deploy/azure. One handler
/// process serves every function: HTTP through the host's front door, queue triggers from its emulated Storage queues.
/// </summary>
public static partial class AzureFunctionsApp
{
    /// <summary>
    /// The emulator's options for this app with the handler's app settings <paramref name="environment"/>; set the
    /// rest (HTTP forwarding, the queues' clock and numbers) with <c>with</c>. Another app gives its own script root
    /// and handler.
    /// </summary>
    /// <param name="environment">The handler's app settings.</param>
    /// <param name="scriptRoot">The app folder: deploy/azure when null.</param>
    /// <param name="handler">The handler's <c>.dll</c>, run under <c>dotnet</c>: src/Azure's build output when null.</param>
    public static FunctionsHostEmulatorOptions Options(IReadOnlyDictionary<string, string>? environment = null, string? scriptRoot = null, string? handler = null) => new()
    {
        ScriptRoot = scriptRoot ?? HostBuilds.AzureScriptRoot,
        // The layout users deploy; only the executable is swapped for the built one.
        ExecutablePath = Portable.Emulators.Processes.ChildProcess.DotnetHost,
        Arguments = [handler ?? HostBuilds.AzureHandler],
        Environment = environment ?? new Dictionary<string, string>(),
        StartupTimeout = HostDefaults.StartupTimeout,
    };

    /// <summary>Starts the host emulator and the handler with <paramref name="options"/> (see <see cref="Options"/>).</summary>
    /// <exception cref="FunctionsHostStartException">The handler exited or stayed silent past the startup timeout.</exception>
    public static Task<FunctionsHostEmulator> StartAsync(FunctionsHostEmulatorOptions? options = null, CancellationToken cancellationToken = default) =>
        FunctionsHostEmulator.StartAsync(options ?? Options(), cancellationToken);

    /// <summary>
    /// The messages <paramref name="function"/> dead-lettered itself (into <c>{queue}-poison</c>, answering 200), by
    /// message id with the reason, from the <c>Logs</c> it answered with: "Message {id} dead-lettered by {function}: {reason}".
    /// </summary>
    public static IReadOnlyDictionary<string, string> DeadLetteredByHandler(IEnumerable<string> handlerLogs, string function = LedgerWriter.FunctionName)
    {
        ArgumentNullException.ThrowIfNull(handlerLogs);
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in handlerLogs)
        {
            if (DeadLettered().Match(line) is { Success: true } match && match.Groups["function"].Value == function)
            {
                reasons[match.Groups["id"].Value] = match.Groups["reason"].Value;
            }
        }

        return reasons;
    }

    [GeneratedRegex(@"^Message (?<id>\S+) dead-lettered by (?<function>\S+): (?<reason>.*)$", RegexOptions.Singleline)]
    private static partial Regex DeadLettered();
}
