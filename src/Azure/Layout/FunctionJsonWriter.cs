using System.Text.Json;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Messaging;

namespace Portable.Azure.Layout;

/// <summary>Writes a function's <c>function.json</c> from its manifest trigger.</summary>
public static class FunctionJsonWriter
{
    /// <summary>The name of the HTTP trigger binding: the key of the request under <c>Data</c> in payload mode.</summary>
    public const string HttpTriggerBindingName = "req";

    /// <summary>The name of the HTTP output binding: the key of the response under <c>Outputs</c> in payload mode.</summary>
    public const string HttpOutputBindingName = "res";

    /// <summary>
    /// The name of a queue trigger binding (<c>queueTrigger</c> or <c>serviceBusTrigger</c>): the key of the message
    /// under <c>Data</c> in the host's invocation payload.
    /// </summary>
    public const string QueueTriggerBindingName = "message";

    /// <summary>
    /// The function.json of <paramref name="function"/>; a trigger type without a mapping is a clear error.
    /// <paramref name="options"/> picks the service of a queue function (Storage Queue unless told otherwise).
    /// </summary>
    public static string Write(FunctionDefinition function, AzureLayoutOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        options ??= AzureLayoutOptions.Default;
        return function.Trigger switch
        {
            HttpTrigger http => WriteHttp(CommonRoute(http) ?? "{*path}"),
            QueueTrigger queue => options.ServiceFor(function.Name) == AzureQueueService.ServiceBus
                ? WriteQueue("serviceBusTrigger", queue.Queue, options.ServiceBusConnection)
                : WriteQueue("queueTrigger", queue.Queue, options.StorageConnection),
            var other => throw new NotSupportedException(
                $"Function '{function.Name}': the Azure layout has no function.json mapping for trigger type {other.GetType().Name} yet. Add a case to {nameof(FunctionJsonWriter)}.{nameof(Write)}."),
        };
    }

    /// <summary>
    /// The catch-all function: route <c>{*path}</c>. The host ranks literal route segments above parameters and
    /// parameters above catch-alls (ASP.NET Core route precedence), so this one only gets what no other function
    /// claims — and our router answers it with the JSON 404.
    /// </summary>
    public static string WriteFallback() => WriteHttp("{*path}");

    /// <summary>
    /// The Functions route for an HTTP trigger, without a leading '/': the template itself when the function has
    /// one, otherwise the templates' common literal prefix followed by <c>{*rest}</c> (e.g. <c>items/{*rest}</c>),
    /// since a function has exactly one route on Azure. Our own router then picks the handler and answers 405.
    /// </summary>
    public static string RouteFor(string functionName, HttpTrigger trigger) =>
        CommonRoute(trigger) ?? throw new NotSupportedException(
            $"Function '{functionName}': its routes ({string.Join(", ", trigger.Routes.Select(r => r.Template.Text).Distinct(StringComparer.OrdinalIgnoreCase))}) share no leading literal segment, so no single Azure route can cover them without shadowing the '{FunctionsLayout.FallbackFunctionName}' catch-all. The layout gives one such function the catch-all route instead; give the others a common prefix or split them.");

    /// <summary>
    /// The single Functions route covering every template of <paramref name="trigger"/> (see <see cref="RouteFor"/>),
    /// or null when the templates share no leading literal segment and only a catch-all could cover them.
    /// </summary>
    public static string? CommonRoute(HttpTrigger trigger)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        var templates = trigger.Routes.Select(r => r.Template).DistinctBy(t => t.Text, StringComparer.OrdinalIgnoreCase).ToList();
        if (templates.Count == 1)
        {
            return templates[0].Text.TrimStart('/');
        }

        var prefix = templates[0].LiteralPrefix.ToList();
        foreach (var template in templates.Skip(1))
        {
            var other = template.LiteralPrefix;
            var common = 0;
            while (common < prefix.Count && common < other.Count && string.Equals(prefix[common], other[common], StringComparison.OrdinalIgnoreCase))
            {
                common++;
            }

            prefix.RemoveRange(common, prefix.Count - common);
        }

        return prefix.Count == 0 ? null : string.Join('/', prefix) + "/{*rest}";
    }

    // Only the trigger: the handler writes no output bindings, so the response is {"Outputs":{}} and a non-2xx
    // status fails the invocation (retry, then poison queue / dead-letter subqueue).
    private static string WriteQueue(string type, string queue, string connection) => JsonText.Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("bindings");
        w.WriteStartObject();
        w.WriteString("type", type);
        w.WriteString("direction", "in");
        w.WriteString("name", QueueTriggerBindingName);
        w.WriteString("queueName", queue);
        w.WriteString("connection", connection);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    });

    // No "methods": every method reaches our router, so a wrong method gets our 405 with Allow, not the host's 404.
    private static string WriteHttp(string route) => JsonText.Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("bindings");
        w.WriteStartObject();
        w.WriteString("type", "httpTrigger");
        w.WriteString("direction", "in");
        w.WriteString("name", HttpTriggerBindingName);
        w.WriteString("authLevel", "anonymous");
        w.WriteString("route", route);
        w.WriteEndObject();
        w.WriteStartObject();
        w.WriteString("type", "http");
        w.WriteString("direction", "out");
        w.WriteString("name", HttpOutputBindingName);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    });
}
