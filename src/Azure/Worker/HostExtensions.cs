using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

// The Functions host runs a trigger only if its WebJobs extension is in the app's .azurefunctions/extensions.json,
// which the Worker SDK fills with the extensions of the binding attributes it finds on [Function] methods. Manifest
// queue functions carry no attribute, so this assembly declares the Storage Queues host extension itself, with implicit
// registration: the SDK's metadata generator registers it for any assembly with no [Function] of its own, this one
// and an app's that references it. (HTTP and timer triggers are built into the host; a Durable trigger is an
// attribute, so the SDK finds it.) 5.3.10 is the version the package mirror serves (the worker extension names 5.3.8).
[assembly: ExtensionInformation("Microsoft.Azure.WebJobs.Extensions.Storage.Queues", "5.3.10", enableImplicitRegistration: true)]
