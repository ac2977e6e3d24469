using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portable.IsolatedWorkerApp;

// Two switches let the emulator's tests see a worker that never becomes one: it exits at start with a code, or it
// hangs before it connects. Neither is set in normal runs.
if (Environment.GetEnvironmentVariable("ISOLATED_APP_EXIT_AT_START") is { Length: > 0 } code)
{
    await Console.Error.WriteLineAsync($"exiting at start with code {code}, as asked");
    return int.Parse(code, System.Globalization.CultureInfo.InvariantCulture);
}

if (Environment.GetEnvironmentVariable("ISOLATED_APP_HANG_AT_START") is { Length: > 0 })
{
    await Console.Out.WriteLineAsync("hanging before the host connection, as asked");
    await Task.Delay(Timeout.Infinite);
}

var host = new HostBuilder()
    .ConfigureFunctionsWorkerDefaults()
    .ConfigureServices(services => services.AddSingleton<PaymentGateway>())
    .Build();
await host.RunAsync();
return 0;
