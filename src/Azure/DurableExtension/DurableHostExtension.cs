using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

// The Durable host extension the worker's Durable saga runner needs (its orchestrationTrigger, activityTrigger and
// durableClient bindings): 3.18.0 is the version Microsoft.Azure.Functions.Worker.Extensions.DurableTask 1.21.1
// names, registered implicitly because no [Function] attribute brings it in (see HostExtensions.cs in Portable.Azure).
[assembly: ExtensionInformation("Microsoft.Azure.WebJobs.Extensions.DurableTask", "3.18.0", enableImplicitRegistration: true)]
