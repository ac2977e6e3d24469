using System.Net;
using Portable.Core.App;
using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Gcp;
using Portable.Gcp.Events;
using Portable.Gcp.Messaging;
using Portable.Gcp.Http;
using Portable.Gcp.Logging;

// Portable.Gcp — the Cloud Run host. Cloud Run's container contract: HTTP on 0.0.0.0:$PORT, SIGTERM then SIGKILL
// 10 s later. The Functions Framework's HTTP contract: FUNCTION_TARGET picks the function, every path reaches it
// except /favicon.ico and /robots.txt. Nothing but DI setup happens before Kestrel listens (cold starts).
if (!CloudRunSettings.TryRead(Environment.GetEnvironmentVariable, PortableApp.Manifest, out var settings, out var error))
{
    Console.Error.WriteLine(error);
    return 2;
}

var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Listen(IPAddress.Any, settings.Port);
    kestrel.AddServerHeader = false;
    kestrel.Limits.MaxRequestBodySize = null; // Core refuses oversized bodies itself, with a JSON 413.
});
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = CloudRunSettings.ShutdownTimeout);
builder.Logging.AddCloudLogging();
builder.Services.AddPortableDefaults(o =>
{
    o.Cloud = CloudProvider.Gcp;
    o.FunctionTarget = settings.FunctionTarget;
});
builder.Services.AddPortableApp();
builder.Services.AddPubSubMessaging(PubSubPublisherOptions.FromEnvironment(Environment.GetEnvironmentVariable));

await using var app = builder.Build();
var invoker = app.Services.GetRequiredService<HttpInvoker>();
var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Portable.Gcp");
var pubSub = new PubSubPushEndpoint(app.Services.GetRequiredService<MessageInvoker>(), settings, log);
app.Run(context => CloudRunRequest.HandleAsync(context, invoker, pubSub, settings, log));
app.Lifetime.ApplicationStopping.Register(() => CloudRunLog.Draining(log, CloudRunSettings.ShutdownTimeout.TotalSeconds));

try
{
    await app.StartAsync();
}
catch (IOException ex)
{
    Console.Error.WriteLine($"Could not listen on 0.0.0.0:{settings.Port}: {ex.Message}");
    return 1;
}

CloudRunLog.Listening(log, settings.Port, settings.FunctionTarget ?? "every function");
await app.WaitForShutdownAsync();
return 0;
