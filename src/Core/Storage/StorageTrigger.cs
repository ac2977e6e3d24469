using System.Diagnostics;
using Portable.Core.Functions;

namespace Portable.Core.Storage;

/// <summary>
/// A function triggered when an object is created in a bucket (S3, Cloud Storage) or container (Azure Blob Storage),
/// optionally only for keys with a given prefix and suffix (<c>incoming/</c>, <c>.csv</c>). The platforms filter
/// differently (S3 notifications and EventBridge rules by prefix and suffix, Eventarc by bucket only, a blob trigger by
/// path pattern), so the invoker applies the filter again and an event for another key never reaches the handler.
/// </summary>
/// <param name="Bucket">
/// The bucket or container, by its manifest name (the deployment files name it; an S3 bucket's deployed name may differ,
/// bucket names being global, so the handler reads <see cref="ObjectCreated.Bucket"/>, the platform's name).
/// </param>
/// <param name="Prefix">Only keys starting with this (ordinal), or any key when null.</param>
/// <param name="Suffix">Only keys ending with this (ordinal), or any key when null.</param>
/// <param name="BindHandler">Resolves the handler for one event from a host's services, once per host.</param>
public sealed record StorageTrigger(string Bucket, string? Prefix, string? Suffix, Func<IServiceProvider, StorageHandler> BindHandler) : FunctionTrigger
{
    /// <inheritdoc />
    public override string Kind => "datasource";

    /// <inheritdoc />
    public override ActivityKind ActivityKind => ActivityKind.Consumer;

    /// <summary>Turns the idempotency middleware off for this function (it is on by default: a repeated delivery of one upload runs once).</summary>
    public bool DisableIdempotency { get; init; }

    /// <summary>True when <paramref name="key"/> passes the prefix and suffix filter.</summary>
    public bool Matches(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return (Prefix is null || key.StartsWith(Prefix, StringComparison.Ordinal))
            && (Suffix is null || key.EndsWith(Suffix, StringComparison.Ordinal));
    }

    /// <inheritdoc />
    public override FunctionExecutionDelegate Bind(IServiceProvider services)
    {
        var handler = BindHandler(services);
        return context => SetResultAsync(context, handler((ObjectCreated)context.Input, context, context.CancellationToken));
    }

    /// <inheritdoc />
    public override void Tag(Activity activity, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(context);
        if (context.Input is ObjectCreated created)
        {
            // OpenTelemetry's FaaS conventions for datasource triggers.
            activity.SetTag("faas.document.collection", created.Bucket);
            activity.SetTag("faas.document.name", created.Key);
            activity.SetTag("faas.document.operation", "insert");
        }
    }
}
