namespace Portable.Testing;

/// <summary>How the Functions host describes itself in a custom-handler invocation.</summary>
public sealed record CustomHandlerPayloadOptions
{
    /// <summary>The host's own address, the start of <c>Data.req.Url</c> (default the Core Tools' <c>http://localhost:7071</c>).</summary>
    public string BaseUrl { get; init; } = "http://localhost:7071";

    /// <summary>The HTTP route prefix of host.json (default <c>api</c>; empty for none).</summary>
    public string RoutePrefix { get; init; } = "api";

    /// <summary>The name of the trigger's binding in function.json: <c>req</c> for HTTP, <c>message</c> for a queue (Portable's layout).</summary>
    public string? BindingName { get; init; }

    /// <summary>The host's invocation id (the <c>X-Azure-Functions-InvocationId</c> header); default: a new unique id.</summary>
    public string? InvocationId { get; init; }

    /// <summary>When the host invoked the handler (<c>sys.UtcNow</c>; default <see cref="TestClock.Start"/>).</summary>
    public DateTimeOffset? Time { get; init; }
}
