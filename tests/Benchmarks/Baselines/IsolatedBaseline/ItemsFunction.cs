using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace Portable.Benchmarks.IsolatedBaseline;

/// <summary>GET /items: a fixed page of one item, the same bytes as the Cloud Run baseline's answer.</summary>
public static class ItemsFunction
{
    private static readonly byte[] Page = """
        {"items":[{"id":"01JBASELINE00000000000000","name":"widget","price":9.5,"createdAt":"2026-01-01T00:00:00+00:00"}],"nextCursor":null}
        """u8.ToArray();

    /// <summary>Answers the page; a POST (the benchmark creates one item before its warm load, as for Portable) gets 201.</summary>
    [Function("items")]
    public static async Task<HttpResponseData> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "items")] HttpRequestData req,
        FunctionContext context)
    {
        var response = req.CreateResponse(req.Method == "POST" ? HttpStatusCode.Created : HttpStatusCode.OK);
        response.Headers.Add("Content-Type", "application/json; charset=utf-8");
        await response.Body.WriteAsync(Page, context.CancellationToken);
        return response;
    }
}
