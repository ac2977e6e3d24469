using System.Diagnostics;
using System.Globalization;
using Portable.Core.Functions;

namespace Portable.Gcp.Events;

/// <summary>
/// A Cloud Run CloudEvent function (<c>FUNCTION_SIGNATURE_TYPE=cloudevent</c>): Eventarc deliveries in binary or
/// structured mode, and legacy background events converted to CloudEvents. Google-only: a trigger of the Cloud Run
/// host, declared with <see cref="CloudEventManifestExtensions.AddCloudEvent(FunctionManifestBuilder, string, CloudEventHandler)"/>.
/// </summary>
/// <param name="BindHandler">Resolves the handler from a host's services, once per host.</param>
public sealed record CloudEventTrigger(Func<IServiceProvider, CloudEventHandler> BindHandler) : FunctionTrigger
{
    /// <summary>What the settler records as the result of a handler that returned.</summary>
    internal static readonly object Handled = new();

    /// <inheritdoc />
    public override string Kind => "other";

    /// <inheritdoc />
    public override ActivityKind ActivityKind => ActivityKind.Consumer;

    /// <inheritdoc />
    public override FunctionExecutionDelegate Bind(IServiceProvider services)
    {
        var handler = BindHandler(services);
        return context => Run(context, handler((CloudEvent)context.Input, context, context.CancellationToken));
    }

    /// <summary>Tags the span with the OpenTelemetry CloudEvents attributes.</summary>
    public override void Tag(Activity activity, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(context);
        if (context.Input is CloudEvent cloudEvent)
        {
            activity.SetTag("cloudevents.event_id", cloudEvent.Id);
            activity.SetTag("cloudevents.event_source", cloudEvent.Source);
            activity.SetTag("cloudevents.event_type", cloudEvent.Type);
            activity.SetTag("cloudevents.event_spec_version", cloudEvent.SpecVersion);
            if (cloudEvent.Subject is { } subject)
            {
                activity.SetTag("cloudevents.event_subject", subject);
            }

            if (cloudEvent.Time is { } time)
            {
                activity.SetTag("faas.time", time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            }
        }
    }

    private static async ValueTask Run(FunctionContext context, ValueTask pending)
    {
        await pending.ConfigureAwait(false);
        context.Result = Handled;
    }
}
