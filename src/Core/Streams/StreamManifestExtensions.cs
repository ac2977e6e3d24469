using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Functions;

namespace Portable.Core.Streams;

/// <summary>Declares stream functions in the manifest.</summary>
public static class StreamManifestExtensions
{
    /// <summary>Declares a function fed by <paramref name="stream"/>, handled by <typeparamref name="TFunction"/> from the host's services.</summary>
    /// <param name="builder">The manifest builder.</param>
    /// <param name="name">The function's name.</param>
    /// <param name="stream">The stream: a Kinesis stream, a DynamoDB table (its stream), a Pub/Sub topic with message ordering.</param>
    /// <param name="options">Batching settings; defaults when null.</param>
    public static FunctionManifestBuilder AddStreamFunction<TFunction>(this FunctionManifestBuilder builder, string name, string stream, StreamTriggerOptions? options = null)
        where TFunction : IStreamFunction =>
        builder.AddStreamFunction(name, stream, static services => services.GetRequiredService<TFunction>().HandleAsync, options);

    /// <summary>Declares a function fed by <paramref name="stream"/> with a handler delegate.</summary>
    public static FunctionManifestBuilder AddStreamFunction(this FunctionManifestBuilder builder, string name, string stream, StreamHandler handler, StreamTriggerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return builder.AddStreamFunction(name, stream, _ => handler, options);
    }

    /// <summary>Declares a function fed by <paramref name="stream"/> with a handler resolved once per host.</summary>
    /// <exception cref="ArgumentException">The stream name is not valid on every cloud.</exception>
    public static FunctionManifestBuilder AddStreamFunction(
        this FunctionManifestBuilder builder, string name, string stream, Func<IServiceProvider, StreamHandler> bindHandler, StreamTriggerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(stream);
        ArgumentNullException.ThrowIfNull(bindHandler);
        // The names all three accept: Kinesis streams [a-zA-Z0-9_.-]{1,128}, DynamoDB tables [a-zA-Z0-9_.-]{3,255},
        // Pub/Sub topics a letter first, then 3-255 of [a-zA-Z0-9-_.~+%].
        if (stream.Length is < 3 or > 128 || !char.IsAsciiLetter(stream[0]) || !stream.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException(
                $"Stream name '{stream}' must be 3-128 letters, digits, '-', '_' or '.', starting with a letter (valid for Kinesis, DynamoDB and Pub/Sub).", nameof(stream));
        }

        options ??= new StreamTriggerOptions();
        options.Validate();
        return builder.Add(new FunctionDefinition(name, new StreamTrigger(stream, options, bindHandler)));
    }
}
