using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Portable.Core.Functions;

namespace Portable.Gcp;

/// <summary>What the Cloud Run host reads from its environment at start-up, validated before anything listens.</summary>
/// <param name="Port">The port to listen on: <c>PORT</c>, 8080 when unset.</param>
/// <param name="FunctionTarget">The one function to serve (<c>FUNCTION_TARGET</c>), or null to serve the whole manifest.</param>
/// <param name="ProjectId">The Google Cloud project (<c>GOOGLE_CLOUD_PROJECT</c>) that trace names in logs are qualified with.</param>
internal sealed record CloudRunSettings(int Port, string? FunctionTarget, string? ProjectId)
{
    /// <summary>Cloud Run's default <c>PORT</c> (container contract).</summary>
    public const int DefaultPort = 8080;

    /// <summary>
    /// How long in-flight requests may drain after SIGTERM: Cloud Run sends SIGKILL 10 s after SIGTERM
    /// (container contract), so 9 s leaves a second to flush logs and exit.
    /// </summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(9);

    /// <summary>Reads and validates the settings; on failure <paramref name="error"/> says what to fix.</summary>
    public static bool TryRead(
        Func<string, string?> environment,
        FunctionManifest manifest,
        [NotNullWhen(true)] out CloudRunSettings? settings,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(manifest);
        settings = null;

        var portText = environment("PORT");
        var port = DefaultPort;
        if (!string.IsNullOrWhiteSpace(portText)
            && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            error = $"PORT must be a TCP port number from 1 to 65535, but it is '{portText}'.";
            return false;
        }

        var target = environment("FUNCTION_TARGET") is { Length: > 0 } named ? named.Trim() : null;
        if (target is not null && manifest.Find(target) is null)
        {
            error = $"FUNCTION_TARGET '{target}' is not a function in the manifest. Declared: {string.Join(", ", manifest.Functions.Select(f => f.Name))}.";
            return false;
        }

        var project = environment("GOOGLE_CLOUD_PROJECT") is { Length: > 0 } p ? p.Trim() : null;
        settings = new CloudRunSettings(port, target, project);
        error = null;
        return true;
    }
}
