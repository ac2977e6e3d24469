using System.Text.Json;
using Portable.Azure.Worker;
using Portable.Core.Events;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.TestKit;

// The routing scenario's functions as they are, GET /attempts (the attempts its handlers recorded in this process),
// and one more rule whose handler always fails transiently, so the host's retries run out.
var scenario = new RoutingScenario();
var manifest = new FunctionManifestBuilder();
foreach (var function in scenario.Manifest.Functions)
{
    manifest.Add(function);
}

manifest.AddEventFunction("always-unavailable", "on-flaky", """{"source": ["flaky"]}""", (@event, _, _) => throw new IOException($"always unavailable for {@event.Id}"));

manifest.AddHttp("routing-attempts", routes => routes.Map("GET", "/attempts", _ => (_, _, _) => ValueTask.FromResult(Attempts(scenario))));
return await IsolatedWorkerHost.RunAsync(new FunctionApp(manifest.Build()), args);

static PortableHttpResponse Attempts(RoutingScenario scenario)
{
    using var buffer = new MemoryStream();
    using (var writer = new Utf8JsonWriter(buffer))
    {
        writer.WriteStartArray();
        foreach (var attempt in scenario.Attempts)
        {
            writer.WriteStartObject();
            writer.WriteString("function", attempt.Function);
            writer.WriteString("ref", attempt.Ref);
            writer.WriteString("eventId", attempt.EventId);
            writer.WriteNumber("deliveryCount", attempt.DeliveryCount);
            writer.WriteString("outcome", attempt.Outcome);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    return new PortableHttpResponse
    {
        StatusCode = 200,
        Headers = HeaderMap.Empty.With("Content-Type", "application/json"),
        Body = buffer.ToArray(),
    };
}
