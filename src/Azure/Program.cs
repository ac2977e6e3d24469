using Portable.Azure.Hosting;
using Portable.Azure.Worker;
using Portable.Core.Patterns;

// The Azure Functions app of this repository: the patterns, on the .NET isolated worker. A user's own app calls
// IsolatedWorkerHost.RunAsync with theirs. Until the isolated worker runs every scenario, the same executable is
// still the custom handler when the host starts it as one (FUNCTIONS_CUSTOMHANDLER_PORT) or for --write-layout/--help.
return CustomHandlerHost.IsRequested(args, Environment.GetEnvironmentVariable)
    ? await CustomHandlerHost.RunAsync(PatternsApp.App, args)
    : await IsolatedWorkerHost.RunAsync(PatternsApp.App, args);
