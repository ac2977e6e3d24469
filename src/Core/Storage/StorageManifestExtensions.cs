using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Functions;

namespace Portable.Core.Storage;

/// <summary>Declares storage functions (object created in a bucket or container) in the manifest.</summary>
public static class StorageManifestExtensions
{
    /// <summary>
    /// Declares a function run when an object is created in <paramref name="bucket"/>, handled by
    /// <typeparamref name="TFunction"/> from the host's services.
    /// </summary>
    /// <param name="builder">The manifest builder.</param>
    /// <param name="name">The function's name.</param>
    /// <param name="bucket">The bucket or container: 3-63 lower-case letters, digits and single dashes, starting and ending with a letter or digit (valid on S3, Cloud Storage and Azure).</param>
    /// <param name="prefix">Only keys starting with this, e.g. <c>incoming/</c>.</param>
    /// <param name="suffix">Only keys ending with this, e.g. <c>.csv</c>.</param>
    public static FunctionManifestBuilder AddStorageFunction<TFunction>(
        this FunctionManifestBuilder builder, string name, string bucket, string? prefix = null, string? suffix = null)
        where TFunction : IStorageFunction =>
        builder.AddStorageFunction(name, bucket, static services => services.GetRequiredService<TFunction>().HandleAsync, prefix, suffix);

    /// <summary>Declares a function run when an object is created in <paramref name="bucket"/>, with a handler delegate.</summary>
    public static FunctionManifestBuilder AddStorageFunction(
        this FunctionManifestBuilder builder, string name, string bucket, StorageHandler handler, string? prefix = null, string? suffix = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return builder.AddStorageFunction(name, bucket, _ => handler, prefix, suffix);
    }

    /// <summary>Declares a function run when an object is created in <paramref name="bucket"/>, with a handler resolved once per host.</summary>
    public static FunctionManifestBuilder AddStorageFunction(
        this FunctionManifestBuilder builder, string name, string bucket, Func<IServiceProvider, StorageHandler> bindHandler, string? prefix = null, string? suffix = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(bindHandler);
        return builder.Add(new FunctionDefinition(name, Trigger(bucket, prefix, suffix, bindHandler)));
    }

    /// <summary>Builds a validated <see cref="StorageTrigger"/>; throws naming what is wrong.</summary>
    /// <exception cref="ArgumentException">The bucket name is not valid on every cloud, or a filter is empty or has a wildcard.</exception>
    public static StorageTrigger Trigger(string bucket, string? prefix, string? suffix, Func<IServiceProvider, StorageHandler> bindHandler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bucket);
        ArgumentNullException.ThrowIfNull(bindHandler);
        if (!IsPortableBucketName(bucket))
        {
            throw new ArgumentException(
                $"Bucket name '{bucket}' must be 3-63 lower-case letters, digits or single dashes, starting and ending with a letter or digit "
                + "(valid for S3 buckets, Cloud Storage buckets and Azure containers).",
                nameof(bucket));
        }

        CheckFilter(prefix, nameof(prefix));
        CheckFilter(suffix, nameof(suffix));
        return new StorageTrigger(bucket, prefix, suffix, bindHandler);
    }

    // The rules the three stores share: S3 and Cloud Storage also allow dots (and Cloud Storage underscores), Azure
    // containers allow neither and no double dash.
    private static bool IsPortableBucketName(string name) =>
        name.Length is >= 3 and <= 63
        && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
        && name[0] != '-' && name[^1] != '-'
        && !name.Contains("--", StringComparison.Ordinal);

    private static void CheckFilter(string? filter, string parameter)
    {
        if (filter is null)
        {
            return;
        }

        if (filter.Length == 0 || filter.Length > 1024)
        {
            throw new ArgumentException($"The key {parameter} must be 1 to 1024 characters, or null for none.", parameter);
        }

        // S3 notification filters take no wildcard ("*" is a literal there); saying so beats a filter that never matches.
        if (filter.Contains('*', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The key {parameter} '{filter}' has a '*': filters are literal prefixes and suffixes, without wildcards.", parameter);
        }
    }
}
