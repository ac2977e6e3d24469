using System.Net;
using Portable.Core.App;
using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Gcp;
using Portable.Gcp.Events;
using Portable.Gcp.Messaging;
using Portable.Gcp.Http;
using Portable.Gcp.Logging;
using Portable.Gcp.State;
using Portable.Core.Resilience;
using Portable.Core.State;
using Portable.Core.Patterns;

// Portable.Gcp — the Cloud Run host. Cloud Run's container contract: HTTP on 0.0.0.0:$PORT, SIGTERM then SIGKILL
// 10 s later. The Functions Framework's HTTP contract: FUNCTION_TARGET picks the function, every path reaches it
// except /favicon.ico and /robots.txt. Nothing but DI setup happens before Kestrel listens (cold starts).
if (!CloudRunSettings.TryRead(Environment.GetEnvironmentVariable, PatternsApp.Manifest, out var settings, out var error))
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
PatternsApp.App.AddTo(builder.Services);
builder.Services.AddPubSubMessaging(PubSubPublisherOptions.FromEnvironment(Environment.GetEnvironmentVariable));

// State in PostgreSQL (Cloud SQL) when PORTABLE_POSTGRES_CONNECTION is set; the in-memory default serves one instance only.
var postgres = Environment.GetEnvironmentVariable(PostgresStateStoreOptions.ConnectionVariable) is { Length: > 0 }
    ? PostgresStateStoreOptions.FromEnvironment()
    : null;
if (postgres is not null)
{
    try
    {
        builder.Services.AddSingleton<IStateStore>(await PostgresStateStoreOptions.CreateAsync(postgres, TimeProvider.System));
    }
    catch (Exception ex) when (ex is Npgsql.NpgsqlException or ArgumentException or InvalidOperationException)
    {
        await Console.Error.WriteLineAsync($"The PostgreSQL state store could not start ({PostgresStateStoreOptions.ConnectionVariable}): {ex.Message}");
        return 2;
    }
}

// Every call to the database and to Pub/Sub goes through a resilience pipeline (Npgsql marks its transient faults).
builder.Services.AddPortableResilience(r => r
    .AddPipeline(PortableResilience.StatePipeline)
    .AddPipeline(PortableResilience.PublishPipeline));
if (postgres is not null)
{
    builder.Services.AddResilientStateStore();
}

builder.Services.AddResilientMessagePublisher();

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
