using Microsoft.Extensions.Hosting;

// The isolated-worker baseline: the worker as Azure's template builds it, with no Portable code. The Functions host
// starts it with --functions-uri and the rest; its one function is in ItemsFunction.cs.
var host = new HostBuilder()
    .ConfigureFunctionsWorkerDefaults()
    .Build();
await host.RunAsync();
