using Portable.Azure.Hosting;
using Portable.Azure.Layout;
using Portable.Core.App;
using Portable.Core.Patterns;

// Portable.Azure — the Azure Functions custom handler, and the generator of its own script root.
switch (args)
{
    case ["--write-layout", var directory, .. var rest] when rest is [] or ["--service-bus", _]:
        var layoutOptions = rest is [_, var serviceBus] ? AzureLayoutOptions.WithServiceBus(serviceBus) : AzureLayoutOptions.Default;
        try
        {
            foreach (var path in FunctionsLayout.WriteTo(directory, PatternsApp.Manifest, layoutOptions))
            {
                Console.WriteLine($"wrote {path}");
            }
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }

        return 0;
    case ["--help" or "-h"]:
        Console.WriteLine("""
            Usage: Portable.Azure                       serve as a custom handler (the Functions host starts it
                                                        with FUNCTIONS_CUSTOMHANDLER_PORT set)
                   Portable.Azure --write-layout DIR [--service-bus FN[,FN...]]
                                                        write host.json, local.settings.json and a folder per
                                                        function (function.json) into DIR; queue functions
                                                        listen on a Storage queue (queueTrigger) unless named
                                                        after --service-bus (serviceBusTrigger)
            """);
        return 0;
    case []:
        break;
    default:
        Console.Error.WriteLine($"Unknown arguments '{string.Join(' ', args)}'. Try --help.");
        return 2;
}

var (options, error) = CustomHandlerOptions.FromEnvironment(Environment.GetEnvironmentVariable, Environment.CurrentDirectory);
if (options is null)
{
    Console.Error.WriteLine(error);
    return 2;
}

var app = CustomHandlerHost.Build(options);
await app.RunAsync();
return 0;
