using Portable.Aws;
using Portable.Core.Patterns;

// The Lambda bootstrap of this repository's app: the patterns. A user's own app calls LambdaHost.RunAsync with theirs.
return await LambdaHost.RunAsync(PatternsApp.App);
