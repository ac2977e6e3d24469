using Portable.Aws;
using Portable.ChoreographedOrdersApp;

// The Lambda bootstrap of the patterns app with the order choreography declared: LambdaHost, as src/Aws runs PatternsApp.
return await LambdaHost.RunAsync(ChoreographedPatternsApp.App);
