using Microsoft.Extensions.Hosting;
using Portable.Aws;
using Portable.Azure.Hosting;
using Portable.Gcp;
using Portable.Local;
using Portable.SampleApp;

// A user's Program.cs, four times over: each host is given the same app through its public entry point.
return Environment.GetEnvironmentVariable("PORTABLE_SAMPLE_HOST") switch
{
    "aws" => await LambdaHost.RunAsync(TallyApp.App),
    "gcp" => await CloudRunHost.RunAsync(TallyApp.App, args),
    "azure" => await CustomHandlerHost.RunAsync(TallyApp.App, args),
    "local" => await RunLocallyAsync(args),
    var other => Fail(other),
};

// As src/Local's `portable run` does for the patterns: --port, --data and the rest of its options.
static async Task<int> RunLocallyAsync(string[] args)
{
    var (options, error) = LocalHostOptions.Parse(args, Environment.GetEnvironmentVariable);
    if (options is null)
    {
        Console.Error.WriteLine(error);
        return 2;
    }

    var app = LocalHost.Build(TallyApp.App, options);
    try
    {
        await app.StartAsync();
    }
    catch (IOException ex)
    {
        Console.Error.WriteLine($"Could not listen on port {options.Port}: {ex.Message} Use --port N or PORT to choose another.");
        return 1;
    }

    Console.WriteLine(LocalHost.Banner(TallyApp.Manifest, LocalHost.BaseAddress(app), options.DatabasePath));
    await app.WaitForShutdownAsync();
    return 0;
}

static int Fail(string? host)
{
    Console.Error.WriteLine($"PORTABLE_SAMPLE_HOST='{host}' is not valid: expected local, aws, gcp or azure.");
    return 2;
}
