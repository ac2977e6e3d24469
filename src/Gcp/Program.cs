using Portable.Core.Patterns;
using Portable.Gcp;

// The Cloud Run service of this repository's app: the patterns. A user's own app calls CloudRunHost.RunAsync with theirs.
return await CloudRunHost.RunAsync(PatternsApp.App, args);
