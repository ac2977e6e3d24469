using System.Collections.Immutable;
using System.Security.Claims;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace Portable.Azure.Tests.Worker;

/// <summary>The worker's abstract platform types, filled in by hand (the worker fills them from gRPC messages).</summary>
internal sealed class TestFunctionDefinition(string name, string entryPoint) : FunctionDefinition
{
    public override string PathToAssembly => typeof(TestFunctionDefinition).Assembly.Location;

    public override string EntryPoint => entryPoint;

    public override string Id => name + "-id";

    public override string Name => name;

    public override IImmutableDictionary<string, BindingMetadata> InputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;

    public override IImmutableDictionary<string, BindingMetadata> OutputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;

    public override ImmutableArray<FunctionParameter> Parameters => [];
}

internal sealed class TestFunctionContext(FunctionDefinition definition, IServiceProvider services) : FunctionContext
{
    public override string InvocationId => "inv-1";

    public override string FunctionId => definition.Id;

    public override TraceContext TraceContext => null!;

    public override BindingContext BindingContext => null!;

    public override RetryContext RetryContext => null!;

    public override IServiceProvider InstanceServices { get; set; } = services;

    public override FunctionDefinition FunctionDefinition => definition;

    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    public override IInvocationFeatures Features => null!;
}

internal sealed class TestHttpRequestData(FunctionContext context, string method, Uri url, byte[] body) : HttpRequestData(context)
{
    public override Stream Body { get; } = new MemoryStream(body, writable: false);

    public override HttpHeadersCollection Headers { get; } = [];

    public override IReadOnlyCollection<IHttpCookie> Cookies => [];

    public override Uri Url => url;

    public override IEnumerable<ClaimsIdentity> Identities => [];

    public override string Method => method;

    public override HttpResponseData CreateResponse() => new TestHttpResponseData(FunctionContext);
}

internal sealed class TestHttpResponseData(FunctionContext context) : HttpResponseData(context)
{
    public override System.Net.HttpStatusCode StatusCode { get; set; }

    public override HttpHeadersCollection Headers { get; set; } = [];

    public override Stream Body { get; set; } = new MemoryStream();

    public override HttpCookies Cookies => throw new NotSupportedException("Portable's responses set no cookies through the worker's cookie API.");
}
