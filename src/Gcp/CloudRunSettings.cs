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
    /// The Functions Framework's variable naming the function's signature: <c>http</c>, <c>event</c> (legacy
    /// background functions) or <c>cloudevent</c>. The conformance client sets it.
    /// </summary>
    public const string SignatureTypeVariable = "FUNCTION_SIGNATURE_TYPE";

    /// <summary>
    /// How long in-flight requests may drain after SIGTERM: Cloud Run sends SIGKILL 10 s after SIGTERM
    /// (container contract), so 9 s leaves a second to flush logs and exit.
    /// </summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(9);

    /// <summary>Reads and validates the settings against <paramref name="manifest"/>.</summary>
    /// <exception cref="SettingsException">
    /// <c>PORT</c> is not a TCP port number, <c>FUNCTION_TARGET</c> names no function of the manifest, or
    /// <c>FUNCTION_SIGNATURE_TYPE</c> is unknown or contradicts the target function's trigger, or
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

        CheckSignatureType(settings.Text(SignatureTypeVariable), target is null ? null : manifest.Find(target));
        return new CloudRunSettings(port, target, GoogleCloudProject.From(settings));
    }

    /// <summary>
    /// <c>FUNCTION_SIGNATURE_TYPE</c> says what the function is (the Functions Framework wraps it accordingly); here the
    /// trigger in the manifest decides, so the variable is only checked against it: <c>cloudevent</c> needs a
    /// CloudEvent function, <c>http</c> anything else; <c>event</c> (legacy background functions, whose events a
    /// CloudEvent function takes converted) is not served.
    /// </summary>
    private static void CheckSignatureType(string? signatureType, FunctionDefinition? target)
    {
        switch (signatureType)
        {
            case null:
                return;
            case "cloudevent" when target is not null && target.Trigger is not Events.CloudEventTrigger:
                throw new SettingsException(SignatureTypeVariable, signatureType, $"http, since function '{target.Name}' has a {target.Trigger.GetType().Name}, not a CloudEventTrigger");
            case "http" when target?.Trigger is Events.CloudEventTrigger:
                throw new SettingsException(SignatureTypeVariable, signatureType, $"cloudevent, since function '{target.Name}' is a CloudEvent function");
            case "cloudevent" or "http":
                return;
            default:
                throw new SettingsException(SignatureTypeVariable, signatureType, "http or cloudevent (legacy background functions are served as CloudEvent functions, which take legacy events converted)");
        }
    }
}
