using System.Text.RegularExpressions;
using Portable.Core.Settings;

namespace Portable.Gcp;

/// <summary>
/// <c>GOOGLE_CLOUD_PROJECT</c>, read once for every Google piece that names the project (trace names in logs, Pub/Sub
/// resource paths). Cloud Run does not set it; the publisher then asks the metadata server.
/// </summary>
internal static partial class GoogleCloudProject
{
    /// <summary>The variable.</summary>
    public const string Variable = "GOOGLE_CLOUD_PROJECT";

    /// <summary>
    /// The project ID, or null when unset. Google's IDs are lower-case letters, digits and hyphens, starting with a letter
    /// (Resource Manager's project ID rules); older domain-scoped IDs carry a <c>domain:</c> prefix. Length is not
    /// checked, so emulators' short IDs still work; anything that would break a resource path (<c>/</c>, spaces,
    /// capitals) stops the start-up.
    /// </summary>
    /// <exception cref="SettingsException">The value cannot be a project ID.</exception>
    public static string? From(HostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Text(Variable) switch
        {
            null => null,
            var id when ProjectId().IsMatch(id) => id,
            var id => throw new SettingsException(Variable, id, "a Google Cloud project ID: lower-case letters, digits and hyphens, starting with a letter (domain-scoped IDs as domain:id)"),
        };
    }

    [GeneratedRegex(@"^([a-z0-9][a-z0-9.-]*:)?[a-z][a-z0-9-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ProjectId();
}
