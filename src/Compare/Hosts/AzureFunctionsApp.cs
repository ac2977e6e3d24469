using System.Text.RegularExpressions;
using Portable.Core.Patterns.Ledger;
using Portable.Emulators.Azure.Isolated;

namespace Portable.Compare.Hosts;

/// <summary>
/// The Azure Functions app as the Functions host runs it: the real .NET isolated worker (src/Azure's build output,
/// with the worker.config.json, functions.metadata and host.json the Worker SDK and the project put there) started by
/// the isolated host emulator over the host⇄worker gRPC protocol. One worker process serves every function: HTTP
/// through the host's front door, queue triggers from its emulated Storage queues, logs back as <c>RpcLog</c>.
/// </summary>
public static partial class AzureFunctionsApp
{
    /// <summary>
    /// The emulator's options for this app with the worker's app settings <paramref name="environment"/>; set the
    /// rest (the queues' clock and numbers, a log sink) with <c>with</c>. Another app gives its own app folder.
    /// </summary>
    /// <param name="environment">The worker's app settings.</param>
    /// <param name="appDirectory">The app folder: src/Azure's build output when null.</param>
    public static IsolatedFunctionsHostOptions Options(IReadOnlyDictionary<string, string>? environment = null, string? appDirectory = null) => new()
    {
        AppDirectory = appDirectory ?? HostBuilds.AzureApp,
        Environment = environment ?? new Dictionary<string, string>(),
        StartupTimeout = HostDefaults.StartupTimeout,
    };

    /// <summary>Starts the host emulator and the worker with <paramref name="options"/> (see <see cref="Options"/>).</summary>
    /// <exception cref="WorkerProcessException">The worker exited, failed to load or stayed silent past the startup timeout.</exception>
    public static Task<IsolatedFunctionsHost> StartAsync(IsolatedFunctionsHostOptions? options = null, CancellationToken cancellationToken = default) =>
        IsolatedFunctionsHost.StartAsync(options ?? Options(), cancellationToken);

    /// <summary>
    /// The messages <paramref name="function"/> dead-lettered itself (into <c>{queue}-poison</c>, completing the
    /// invocation), by message id with the reason, from the worker's <c>RpcLog</c>s of that function's invocations:
    /// "Message {id} dead-lettered by {function}: {reason}", logged with the invocation's id.
    /// </summary>
    public static IReadOnlyDictionary<string, string> DeadLetteredByHandler(IEnumerable<WorkerLog> logs, string function = LedgerWriter.FunctionName)
    {
        ArgumentNullException.ThrowIfNull(logs);
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var log in logs)
        {
            if (log.InvocationId is not null
                && DeadLettered().Match(log.Message) is { Success: true } match
                && match.Groups["function"].Value == function)
            {
                reasons[match.Groups["id"].Value] = match.Groups["reason"].Value;
            }
        }

        return reasons;
    }

    [GeneratedRegex(@"^Message (?<id>\S+) dead-lettered by (?<function>\S+): (?<reason>.*)$", RegexOptions.Singleline)]
    private static partial Regex DeadLettered();
}
