using Portable.Aws;
using Portable.Azure.Worker;
using Portable.Gcp;
using Portable.Local;
using Portable.SampleApp;

// A user's Program.cs, four times over: each host is given the same app through its public entry point.
return Environment.GetEnvironmentVariable("PORTABLE_SAMPLE_HOST") switch
{
    "aws" => await LambdaHost.RunAsync(TallyApp.App),
    "gcp" => await CloudRunHost.RunAsync(TallyApp.App, args),
    "azure" => await IsolatedWorkerHost.RunAsync(TallyApp.App, args),
    "local" => await LocalHost.RunAsync(TallyApp.App, args),
    var other => Fail(other),
};

static int Fail(string? host)
{
    Console.Error.WriteLine($"PORTABLE_SAMPLE_HOST='{host}' is not valid: expected local, aws, gcp or azure.");
    return 2;
}
