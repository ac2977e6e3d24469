using Portable.Core.Functions;

namespace Portable.Gcp.Events;

/// <summary>A CloudEvent function as a service (the Functions Framework's <c>ICloudEventFunction</c>, without its data type parameter).</summary>
public interface ICloudEventFunction
{
    /// <summary>Handles one event; see <see cref="CloudEventHandler"/>.</summary>
    ValueTask HandleAsync(CloudEvent cloudEvent, FunctionContext context, CancellationToken cancellationToken);
}
