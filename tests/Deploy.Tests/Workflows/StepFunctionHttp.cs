using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Invocation;
using Portable.Core.Sagas;
using Portable.Testing;

namespace Portable.Deploy.Tests.Workflows;

/// <summary>
/// The workflow's <c>http.post</c> answered by the real step function: the body is read as Core reads a step request
/// (<see cref="SagaStepRequest.TryParse"/>), run through <see cref="SagaStepInvoker"/> on the kit's host — the order
/// saga's real handlers, saga state and conditional writes — and the result sent back as the saga step contract's
/// Cloud Run mapping says: 200 succeeded, 422 failed, 503 transient, each with the <see cref="SagaStepReply"/> body.
/// </summary>
public sealed class StepFunctionHttp(FunctionTestHost host, SagaDefinition saga, string stepFunction) : IWorkflowHttp
{
    /// <summary>The step requests that ran, in order.</summary>
    public List<SagaStepRequest> Requests { get; } = [];

    /// <summary>When it says so for a request, the step runs but its answer is lost on the way back (a dropped connection).</summary>
    public Func<SagaStepRequest, bool>? LoseAnswer { get; set; }

    /// <inheritdoc />
    public WorkflowHttpOutcome Post(WorkflowHttpRequest request)
    {
        Assert.Equal(ScriptedStepService.ServiceUrl + "/" + stepFunction, request.Url);
        Assert.Equal("OIDC", request.Auth?["type"]);
        var json = JsonSerializer.SerializeToUtf8Bytes(YamlValues.ToJson(request.Body));
        if (!SagaStepRequest.TryParse(json, saga, out var step, out var error))
        {
            return new WorkflowHttpOutcome.Response(400, new Dictionary<string, object?>(StringComparer.Ordinal) { ["error"] = error });
        }

        Requests.Add(step);
        var function = host.Manifest.Find(stepFunction) ?? throw new InvalidOperationException($"The manifest has no function '{stepFunction}'.");
        var result = host.Services.GetRequiredService<SagaStepInvoker>().InvokeAsync(function, step, default, default).AsTask().GetAwaiter().GetResult();
        if (LoseAnswer?.Invoke(step) == true)
        {
            return new WorkflowHttpOutcome.ConnectionLost("Connection reset by peer");
        }

        var code = result.Kind switch
        {
            SagaStepResultKind.Succeeded => 200,
            SagaStepResultKind.Failed => 422,
            _ => 503,
        };
        using var reply = JsonDocument.Parse(SagaStepReply.From(result).ToJson());
        return new WorkflowHttpOutcome.Response(code, YamlValues.FromJson(reply.RootElement));
    }
}
