using Portable.Azure.Hosting;
using Portable.Core.Patterns;

// The Azure Functions custom handler of this repository's app: the patterns. A user's own app calls
// CustomHandlerHost.RunAsync with theirs.
return await CustomHandlerHost.RunAsync(PatternsApp.App, args);
