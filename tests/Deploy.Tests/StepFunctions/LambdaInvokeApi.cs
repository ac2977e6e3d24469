using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Portable.Emulators;
using Portable.Emulators.Aws;

namespace Portable.Deploy.Tests.StepFunctions;

/// <summary>
/// Lambda's Invoke API (<c>POST /2015-03-31/functions/{name}/invocations</c>, request/response) for one function on a
/// loopback port, in front of a function: the Runtime API emulator with a real bootstrap polling it, or a scripted
/// stand-in. What the Lambda service answers: 200 with the function's response and <c>X-Amz-Executed-Version</c>; 200
/// with <c>X-Amz-Function-Error: Unhandled</c> and the error payload the runtime posted for a function error; 404
/// <c>ResourceNotFoundException</c> for another function; and, when a test asks for it, a service error
/// (<see cref="FailNextWith"/>), in the <c>X-Amzn-ErrorType</c> header the AWS SDKs read.
/// </summary>
public sealed class LambdaInvokeApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _functionName;
    private readonly Func<ReadOnlyMemory<byte>, CancellationToken, Task<LambdaInvocationResult>> _function;
    private readonly ConcurrentQueue<(int Status, string ErrorType)> _faults = new();
    private readonly ConcurrentQueue<string> _requests = new();

    private LambdaInvokeApi(WebApplication app, string functionName, Func<ReadOnlyMemory<byte>, CancellationToken, Task<LambdaInvocationResult>> function)
    {
        _app = app;
        _functionName = functionName;
        _function = function;
    }

    /// <summary>The endpoint to give an SDK (<c>http://127.0.0.1:{port}/</c>).</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>The function's ARN, which the Invoke API also takes as the function name.</summary>
    public string FunctionArn => $"arn:aws:lambda:us-east-1:123456789012:function:{_functionName}";

    /// <summary>Every request payload that reached the function, in order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    /// <summary>Serves <paramref name="function"/> as <paramref name="functionName"/>.</summary>
    public static async Task<LambdaInvokeApi> StartAsync(string functionName, Func<ReadOnlyMemory<byte>, CancellationToken, Task<LambdaInvocationResult>> function)
    {
        var app = LoopbackServer.Create("Portable.Deploy.Tests.LambdaInvokeApi");
        var api = new LambdaInvokeApi(app, functionName, function);
        app.MapPost("/2015-03-31/functions/{name}/invocations", api.InvokeAsync);
        await app.StartAsync();
        api.Endpoint = LoopbackServer.BaseAddress(app);
        return api;
    }

    /// <summary>Serves the function behind <paramref name="runtimeApi"/>, each invocation given <paramref name="timeout"/> (the function's configured timeout).</summary>
    public static Task<LambdaInvokeApi> StartAsync(string functionName, LambdaRuntimeApiEmulator runtimeApi, TimeSpan timeout) =>
        StartAsync(functionName, (payload, ct) => runtimeApi.InvokeAsync(payload, timeout, ct));

    /// <summary>The next invocation fails in the Lambda service itself with <paramref name="status"/> and <paramref name="errorType"/> (e.g. 500 <c>ServiceException</c>), without reaching the function.</summary>
    public void FailNextWith(int status, string errorType) => _faults.Enqueue((status, errorType));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task InvokeAsync(HttpContext context)
    {
        var name = context.GetRouteValue("name") as string ?? string.Empty;
        if (name != _functionName && name != FunctionArn)
        {
            await WriteServiceErrorAsync(context, StatusCodes.Status404NotFound, "ResourceNotFoundException", "User", $"Function not found: {name}");
            return;
        }

        if (_faults.TryDequeue(out var fault))
        {
            await WriteServiceErrorAsync(context, fault.Status, fault.ErrorType, "Service", $"{fault.ErrorType} (injected by the test)");
            return;
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var payload = body.ToArray();
        _requests.Enqueue(Encoding.UTF8.GetString(payload));
        var result = await _function(payload, context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.Headers["X-Amz-Executed-Version"] = "$LATEST";
        if (!result.IsSuccess)
        {
            context.Response.Headers["X-Amz-Function-Error"] = "Unhandled";
        }

        var answer = result.IsSuccess ? result.Payload : result.ErrorBody.Length > 0 ? result.ErrorBody : ErrorPayload(result.ErrorType ?? "Runtime.Unknown", "The function reported an error without a body.");
        await context.Response.Body.WriteAsync(answer, context.RequestAborted);
    }

    private static Task WriteServiceErrorAsync(HttpContext context, int status, string errorType, string type, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers["X-Amzn-ErrorType"] = errorType;
        return context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["Type"] = type, ["message"] = message }));
    }

    /// <summary>An error payload as a runtime posts it: <c>{"errorMessage","errorType","stackTrace":[]}</c>.</summary>
    public static byte[] ErrorPayload(string errorType, string errorMessage) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["errorMessage"] = errorMessage, ["errorType"] = errorType, ["stackTrace"] = Array.Empty<string>() });
}
