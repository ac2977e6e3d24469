using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;

namespace Portable.IsolatedWorkerApp;

/// <summary>HTTP functions: an echo, a create with a queue output, a throw, a slow one and a logging one.</summary>
public sealed class HttpFunctions(ILogger<HttpFunctions> logger)
{
    /// <summary>Echoes what the worker saw of the request: route value, query, a header, the binding data keys.</summary>
    [Function("Echo")]
    public static async Task<HttpResponseData> EchoAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "echo/{id}")] HttpRequestData req,
        string id,
        FunctionContext context)
    {
        if (int.TryParse(req.Query["delayMs"], out var delay))
        {
            await Task.Delay(delay, context.CancellationToken);
        }

        var answer = new
        {
            id,
            method = req.Method,
            q = req.Query["q"],
            header = req.Headers.TryGetValues("X-Test", out var values) ? string.Join(",", values) : null,
            path = req.Url.AbsolutePath,
            invocationId = context.InvocationId,
            bindingData = context.BindingContext.BindingData.Keys.Order(StringComparer.Ordinal).ToArray(),
        };
        var response = req.CreateResponse(HttpStatusCode.OK);
        response.Headers.Add("Content-Type", "application/json");
        await response.WriteStringAsync(JsonSerializer.Serialize(answer), context.CancellationToken);
        return response;
    }

    /// <summary>Creates an item: 201 with a Location header, a cookie, the body reversed, and a message on the <c>created</c> queue.</summary>
    [Function("Create")]
    public static async Task<CreateResult> CreateAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "items")] HttpRequestData req,
        FunctionContext context)
    {
        using var buffer = new MemoryStream();
        await req.Body.CopyToAsync(buffer, context.CancellationToken);
        var body = buffer.ToArray();
        var response = req.CreateResponse(HttpStatusCode.Created);
        response.Headers.Add("Location", "/items/42");
        response.Headers.Add("X-Body-Length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        response.Cookies.Append("session", "abc");
        await response.Body.WriteAsync(body.Reverse().ToArray(), context.CancellationToken);
        return new CreateResult { Response = response, Message = $"created:{Encoding.UTF8.GetString(body)}" };
    }

    /// <summary>Always throws: the host answers 500 and the worker logs the error.</summary>
    [Function("Boom")]
    public static HttpResponseData Boom([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "boom")] HttpRequestData req) =>
        throw new InvalidOperationException("kaboom");

    /// <summary>Waits 30 s unless the invocation is cancelled, and logs which happened.</summary>
    [Function("Slow")]
    public async Task<HttpResponseData> SlowAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "slow")] HttpRequestData req,
        FunctionContext context)
    {
        logger.LogInformation("slow started");
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(30), context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("slow cancelled");
            throw;
        }

        return req.CreateResponse(HttpStatusCode.OK);
    }

    /// <summary>Logs at three levels and answers its invocation id.</summary>
    [Function("Log")]
    public async Task<HttpResponseData> LogAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "log/{name?}")] HttpRequestData req,
        string? name,
        FunctionContext context)
    {
        logger.LogDebug("debug for {Name}", name);
        logger.LogInformation("hello from {Name}", name ?? "nobody");
        logger.LogWarning("careful, {Name}", name);
        var response = req.CreateResponse(HttpStatusCode.OK);
        await response.WriteStringAsync(context.InvocationId, context.CancellationToken);
        return response;
    }
}

/// <summary>The outputs of <see cref="HttpFunctions.CreateAsync"/>: the HTTP answer and a queue message.</summary>
public sealed class CreateResult
{
    /// <summary>The HTTP answer.</summary>
    [HttpResult]
    public required HttpResponseData Response { get; init; }

    /// <summary>A message for the <c>created</c> queue.</summary>
    [QueueOutput("created")]
    public string? Message { get; init; }
}
