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
    /// Registers the Pub/Sub clients: <see cref="PubSubPublisher"/> and the metadata server client it takes project
    /// and token from, over one shared <see cref="HttpClient"/>. Nothing connects until the first publish (cold
    /// starts). The composition root makes the publisher the <see cref="IMessagePublisher"/> and dead-letters through
    /// it to <c>{topic}-dead-letter</c>.
    /// </summary>
    public static IServiceCollection AddPubSubClients(this IServiceCollection services, PubSubPublisherOptions options)
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
        return services;
    }

    /// <summary>The one HttpClient the publisher and the metadata client share, owned (and disposed) by the container.</summary>
    internal sealed class PubSubHttpClient(HttpClient client) : IDisposable
    {
        public HttpClient Client { get; } = client;

        public void Dispose() => Client.Dispose();
    }
}
