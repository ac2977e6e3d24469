using Microsoft.AspNetCore.Builder;
using Portable.Core.App;
using Portable.Core.Messaging;
using Portable.Local;
using Portable.Compare;
using Portable.Local.Compare;
using Portable.Local.Queues;
using Portable.Local.Storage;
using Portable.Core.Patterns;
using Portable.Deploy;
using Portable.Pricing.Cli;

// `portable` — the embedded default host and the project's command line.
var command = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "run";
var rest = args.Length > 0 && !args[0].StartsWith('-') ? args[1..] : args;

switch (command)
{
    case "run":
        if (rest.Contains("--help") || rest.Contains("-h"))
        {
            Console.WriteLine(Usage());
            return 0;
        }

        return await LocalHost.RunAsync(PatternsApp.App, rest, PatternExamples);
    case "manifest":
        foreach (var function in PatternsApp.Manifest.Functions)
        {
            Console.WriteLine($"{function.Name}\t{function.Trigger}");
        }

        return 0;
    case "compare" when rest.Contains("--profiles"):
        Console.Write(DeliveryComparison.Render(DeliveryProfile.All));
        return 0;
    case "compare" when rest.Contains("--help") || rest.Contains("-h"):
        Console.WriteLine(CompareCommand.Usage);
        return 0;
    case "compare":
        return await CompareAsync(rest);
    case "cost":
        return CostCommand.Run(rest, Console.Out, Console.Error);
    case "queue":
        return await QueueCommand.RunAsync(rest, PatternsApp.Manifest, Console.In, Console.Out, Console.Error, TimeProvider.System);
    case "deploy":
        return DeployCommand.Run(rest, PatternsApp.Manifest, PatternsDeployment.Options, Console.Out, Console.Error);
    case "help" or "--help" or "-h":
        Console.WriteLine(Usage());
        return 0;
    default:
        Console.Error.WriteLine($"Unknown command '{command}'.");
        Console.Error.WriteLine(Usage());
        return 2;
}

// Ctrl+C (SIGINT) or SIGTERM stops the run cleanly, with the partial report written; a second Ctrl+C ends the process.
static async Task<int> CompareAsync(string[] args)
{
    using var stop = new CancellationTokenSource();
    ConsoleCancelEventHandler onCancel = (_, e) =>
    {
        e.Cancel = !stop.IsCancellationRequested;
        stop.Cancel();
    };
    Console.CancelKeyPress += onCancel;
    using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
    {
        c.Cancel = true;
        stop.Cancel();
    });
    try
    {
        return await CompareCommand.RunAsync(args, Console.Out, Console.Error, CompareScenarios.All, TimeProvider.System, stop.Token);
    }
    finally
    {
        Console.CancelKeyPress -= onCancel;
    }
}

// The patterns' ready-to-paste requests for the banner: the app's knowledge, not the local host's.
static IEnumerable<string> PatternExamples(string root) =>
[
    $"curl -si -X POST {root}/items -H 'Content-Type: application/json' -d '{{\"name\":\"Widget\",\"price\":9.99}}'",
    $"curl -s {root}/items",
    $"curl -si -X POST {root}{LocalQueueEndpoints.Prefix}/payments -H 'Message-Id: pay-1' -d '{{\"paymentId\":\"pay-1\",\"account\":\"acc-1\",\"amount\":12.50,\"currency\":\"EUR\"}}'",
    $"curl -s {root}/accounts/acc-1",
    $"curl -si -X PUT {root}{LocalObjectEndpoints.BucketsPrefix}/uploads/sales.csv -H 'Content-Type: text/csv' --data-binary $'category,amount\\nbooks,12.50\\nfood,3.25\\n'   # starts a CSV job: the log names it (GET /jobs/{{id}})",
];

static string Usage() => $"""
    Usage: portable [run] [--port N] [--data DIR]
           portable manifest
           portable queue send|dead-letters|redrive QUEUE [--data DIR]
           portable compare [--out DIR] [--scenario ID,...] [--hosts H,...] [--live FILE] [--list] [--profiles]
           portable cost [--requests N --per month|day|second --memory MB --duration 200ms ...] | --prices
           portable deploy [--out DIR]

      run        serve every HTTP function on http://localhost:8080 (the default command)
                 --port N   listen on port N (or set PORT)
                 --data DIR keep state in DIR/portable.db (default ./.portable/data)
                 --queue-visibility SECONDS  hide a leased message this long (default 30)
                 PORTABLE_PAYMENTS_URL=URL  charge and refund orders through the payment service at URL
                            (default: the simulated one, also served at /_local/payments)
      manifest   list the functions and their triggers
    {CompareCommand.Usage}
      cost       each pattern's monthly cost per cloud, or one workload's bill line by line (portable cost --help)
    {QueueCommand.Usage}
    {DeployCommand.Usage}
    """;
