using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

// The Blobs host extension the manifest's storage functions need (their blobTrigger bindings), registered implicitly
// because no [BlobTrigger] attribute brings it in. Microsoft.Azure.Functions.Worker.Extensions.Storage.Blobs 6.8.2
// names 5.3.8; 5.3.10 is the version the package mirror serves, as for the Storage Queues extension (HostExtensions.cs).
[assembly: ExtensionInformation("Microsoft.Azure.WebJobs.Extensions.Storage.Blobs", "5.3.10", enableImplicitRegistration: true)]
