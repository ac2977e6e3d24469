namespace Portable.Compare.Targets;

/// <summary>
/// A host's HTTP front door for one scenario: the host behind its platform's emulated front door (API Gateway,
/// Cloud Run's, the Functions host), started for the scenario and stopped on dispose; or a deployed URL.
/// </summary>
public sealed class HttpTarget : IAsyncDisposable
{
    private readonly IAsyncDisposable? _host;

    /// <summary>Wraps a started host (disposed with the target) or nothing (a deployed URL).</summary>
    /// <param name="host">The host's name.</param>
    /// <param name="root">The front door; paths are resolved under it.</param>
    /// <param name="frontDoor">What answers at the root, for the report (<c>API Gateway HTTP API → Lambda</c>).</param>
    /// <param name="coldStart">Time from starting the host to its first answer; null for a deployed URL.</param>
    /// <param name="started">The started host, stopped on dispose; null for a deployed URL.</param>
    public HttpTarget(string host, Uri root, string frontDoor, TimeSpan? coldStart, IAsyncDisposable? started)
    {
        ArgumentNullException.ThrowIfNull(root);
        Host = host;
        Root = root.AbsoluteUri.EndsWith('/') ? root : new Uri(root.AbsoluteUri + "/");
        FrontDoor = frontDoor;
        ColdStart = coldStart;
        _host = started;
        Client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false })
        {
            Timeout = TimeSpan.FromMinutes(10),
        };
    }

    /// <summary>The host's name.</summary>
    public string Host { get; }

    /// <summary>The front door, ending in <c>/</c>.</summary>
    public Uri Root { get; }

    /// <summary>What answers at <see cref="Root"/>.</summary>
    public string FrontDoor { get; }

    /// <summary>Time from starting the host to its first answer; null for a deployed URL.</summary>
    public TimeSpan? ColdStart { get; internal set; }

    /// <summary>A client with no base address: build request URIs with <see cref="Url"/>.</summary>
    public HttpClient Client { get; }

    /// <summary>The absolute URL of <paramref name="path"/> (<c>/items?limit=2</c>) under the front door (a REST API's stage included).</summary>
    /// <param name="path">The API's own path, with or without a leading slash.</param>
    public Uri Url(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new Uri(Root, path.TrimStart('/'));
    }

    /// <summary>Stops the host (kills its processes) when the target started one.</summary>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync().ConfigureAwait(false);
        }
    }
}
