using System.Text.RegularExpressions;
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
    /// rest (HTTP forwarding, the queues' clock and numbers) with <c>with</c>.
    /// </summary>
    public static FunctionsHostEmulatorOptions Options(IReadOnlyDictionary<string, string>? environment = null) => new()
    {
        ScriptRoot = HostBuilds.AzureScriptRoot,
        // The layout users deploy; only the executable is swapped for the built one.
        ExecutablePath = Portable.Emulators.Processes.ChildProcess.DotnetHost,
        Arguments = [HostBuilds.AzureHandler],
        Environment = environment ?? new Dictionary<string, string>(),
        StartupTimeout = HostDefaults.StartupTimeout,
    };

    /// <summary>Starts the host emulator and the handler with <paramref name="options"/> (see <see cref="Options"/>).</summary>
    /// <exception cref="FunctionsHostStartException">The handler exited or stayed silent past the startup timeout.</exception>
    public static Task<FunctionsHostEmulator> StartAsync(FunctionsHostEmulatorOptions? options = null, CancellationToken cancellationToken = default) =>
        FunctionsHostEmulator.StartAsync(options ?? Options(), cancellationToken);

    /// <summary>
    /// The messages the handler dead-lettered itself (into <c>{queue}-poison</c>, answering 200), by message id with
    /// the reason, from the <c>Logs</c> it answered with: "Message {id} dead-lettered by ledger-writer: {reason}".
    /// </summary>
    public static IReadOnlyDictionary<string, string> DeadLetteredByHandler(IEnumerable<string> handlerLogs)
    {
        ArgumentNullException.ThrowIfNull(handlerLogs);
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in handlerLogs)
        {
            if (DeadLettered().Match(line) is { Success: true } match)
            {
                reasons[match.Groups["id"].Value] = match.Groups["reason"].Value;
            }
        }

        return reasons;
    }

    [GeneratedRegex(@"^Message (?<id>\S+) dead-lettered by ledger-writer: (?<reason>.*)$", RegexOptions.Singleline)]
    private static partial Regex DeadLettered();
}
