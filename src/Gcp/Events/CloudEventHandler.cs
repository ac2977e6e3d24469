using Portable.Core.Functions;

namespace Portable.Gcp.Events;

/// <summary>
/// Handles one CloudEvent (the Functions Framework's <c>ICloudEventFunction</c>). Returning normally acknowledges it
/// (2xx to Eventarc); throwing makes the host answer 500, which Eventarc retries when the trigger has retries on.
/// </summary>
/// <param name="cloudEvent">The event.</param>
/// <param name="context">The invocation.</param>
/// <param name="cancellationToken">Cancelled at the deadline or when the host stops.</param>
public delegate ValueTask CloudEventHandler(CloudEvent cloudEvent, FunctionContext context, CancellationToken cancellationToken);
