using Portable.Azure.Worker;
using Portable.BlobWorkerApp;

return await IsolatedWorkerHost.RunAsync(BlobApp.App, args);
