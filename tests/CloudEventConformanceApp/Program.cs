using Portable.CloudEventConformanceApp;
using Portable.Gcp;

// Run by the conformance client (-cmd) or the tests with FUNCTION_TARGET=cloudevent-echo.
return await CloudRunHost.RunAsync(EchoApp.App, args);
