using Portable.Azure.Worker;
using Portable.Core.Patterns;

// The Azure Functions app of this repository: the patterns, on the .NET isolated worker. A user's own app calls
// IsolatedWorkerHost.RunAsync with theirs.
return await IsolatedWorkerHost.RunAsync(PatternsApp.App, args);
