using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Core.Storage;

namespace Portable.BlobWorkerApp;

/// <summary>
/// Two storage functions: <c>blob-reader</c> (container <c>blob-inbox</c>, keys <c>in/…​.txt</c>) reads each object
/// through the object store and logs what it read; <c>blob-failing</c> (container <c>blob-fail</c>) always fails
/// transiently, so the host retries it and then poisons it.
/// </summary>
public static class BlobApp
{
    /// <summary>The reading function.</summary>
    public const string Reader = "blob-reader";

    /// <summary>The failing function.</summary>
    public const string Failing = "blob-failing";

    /// <summary>The line the reader logs before what it read, <c>read|{bucket}|{key}|{etag}|{size}|{type}|{version}|{text}</c>.</summary>
    public const string ReadMarker = "read|";

    /// <summary>The app's manifest.</summary>
    public static FunctionManifest Manifest { get; } = new FunctionManifestBuilder()
        .AddStorageFunction(Reader, "blob-inbox", services =>
        {
            var store = services.GetRequiredService<IObjectStore>();
            var log = services.GetRequiredService<ILoggerFactory>().CreateLogger("Portable.BlobWorkerApp.Reader");
            return async (created, _, ct) =>
            {
                await using var stored = await store.OpenReadAsync(created.Bucket, created.Key, created.Version, ct).ConfigureAwait(false);
                using var reader = new StreamReader(stored.Content, Encoding.UTF8);
                var text = await reader.ReadToEndAsync(ct).ConfigureAwait(false);
#pragma warning disable CA1848, CA2254, CA1873 // a test app's one log line
                log.LogInformation(ReadMarker + string.Join('|', created.Bucket, created.Key, created.ETag, created.Size, created.ContentType, created.Version, text));
#pragma warning restore CA1848, CA2254, CA1873
                return MessageResult.Success;
            };
        }, prefix: "in/", suffix: ".txt")
        .AddStorageFunction(Failing, "blob-fail", (created, _, _) => throw new InvalidOperationException($"cannot process {created.Key}"))
        .Build();

    /// <summary>The app.</summary>
    public static FunctionApp App { get; } = new(Manifest);
}
