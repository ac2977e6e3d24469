using Portable.Core.Functions;
using Portable.Core.Settings;

namespace Portable.Gcp;

/// <summary>What the Cloud Run host reads from its environment at start-up, validated before anything listens.</summary>
/// <param name="Port">The port to listen on: <c>PORT</c>, 8080 when unset.</param>
/// <param name="FunctionTarget">The one function to serve (<c>FUNCTION_TARGET</c>), or null to serve the whole manifest.</param>
/// <param name="ProjectId">The Google Cloud project (<c>GOOGLE_CLOUD_PROJECT</c>) that trace names in logs are qualified with.</param>
internal sealed record CloudRunSettings(int Port, string? FunctionTarget, string? ProjectId)
{
    /// <summary>Cloud Run's default <c>PORT</c> (container contract).</summary>
    public const int DefaultPort = 8080;

    /// <summary>The port variable Cloud Run injects (container contract).</summary>
    public const string PortVariable = "PORT";

    /// <summary>The Functions Framework's variable naming the function to serve.</summary>
    public const string FunctionTargetVariable = "FUNCTION_TARGET";

    /// <summary>
    /// How long in-flight requests may drain after SIGTERM: Cloud Run sends SIGKILL 10 s after SIGTERM
    /// (container contract), so 9 s leaves a second to flush logs and exit.
    /// </summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(9);

    /// <summary>Reads and validates the settings against <paramref name="manifest"/>.</summary>
    /// <exception cref="SettingsException">
    /// <c>PORT</c> is not a TCP port number, <c>FUNCTION_TARGET</c> names no function of the manifest, or
    /// <c>GOOGLE_CLOUD_PROJECT</c> is not a project ID; the message names the variable, the value and what is accepted.
    /// </exception>
    public static CloudRunSettings From(HostSettings settings, FunctionManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(manifest);
        var port = settings.Int32(PortVariable, 1, 65535) ?? DefaultPort;
        var target = settings.Text(FunctionTargetVariable);
        if (target is not null && manifest.Find(target) is null)
        {
            throw new SettingsException(
                FunctionTargetVariable, target, $"the name of a function in the manifest, one of: {string.Join(", ", manifest.Functions.Select(f => f.Name))}");
        }

        return new CloudRunSettings(port, target, GoogleCloudProject.From(settings));
    }
}
