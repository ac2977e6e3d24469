using Microsoft.Extensions.DependencyInjection.Extensions;
using Portable.Core.Messaging;

namespace Portable.Gcp.Messaging;

/// <summary>Registers Pub/Sub publishing and dead-lettering for the Cloud Run host.</summary>
public static class PubSubServiceCollectionExtensions
{
    /// <summary>
    /// The suffix of a queue's dead-letter topic: a permanently failed message from <c>payments</c> is published to
    /// <c>payments-dead-letter</c> with its reason (Portable's naming; set the same topic as the push subscription's
    /// dead-letter topic so both paths end in one place).
    /// </summary>
    public const string DeadLetterSuffix = "-dead-letter";

    /// <summary>
    /// Registers <see cref="PubSubPublisher"/> as the <see cref="IMessagePublisher"/> and a dead-letter sink that
    /// publishes to <c>{topic}-dead-letter</c>. Nothing connects until the first publish (cold starts).
    /// </summary>
    public static IServiceCollection AddPubSubMessaging(this IServiceCollection services, PubSubPublisherOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(_ => new PubSubHttpClient(new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = TimeSpan.FromSeconds(30),
        }));
        services.AddSingleton(sp => new MetadataServer(sp.GetRequiredService<PubSubHttpClient>().Client, sp.GetRequiredService<TimeProvider>(), options.MetadataHost));
        services.AddSingleton(sp => new PubSubPublisher(sp.GetRequiredService<PubSubHttpClient>().Client, options, sp.GetRequiredService<MetadataServer>()));
        services.RemoveAll<IMessagePublisher>();
        services.AddSingleton<IMessagePublisher>(sp => sp.GetRequiredService<PubSubPublisher>());
        services.RemoveAll<IDeadLetterSink>();
        services.AddSingleton<IDeadLetterSink>(sp => new PublishingDeadLetterSink(sp.GetRequiredService<PubSubPublisher>(), DeadLetterSuffix));
        return services;
    }

    /// <summary>The one HttpClient the publisher and the metadata client share, owned (and disposed) by the container.</summary>
    internal sealed class PubSubHttpClient(HttpClient client) : IDisposable
    {
        public HttpClient Client { get; } = client;

        public void Dispose() => Client.Dispose();
    }
}
