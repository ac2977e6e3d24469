using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Portable.Core.App;
using Portable.Core.Functions;
using Portable.Core.Patterns;
using Portable.Testing.Messaging;

namespace Portable.Aws.Tests.Runtime;

/// <summary>The container as the Lambda host builds it: a logger factory and no AddLogging, then the composition root (with a publisher, as every cloud has).</summary>
public sealed class LambdaContainerTests
{
    public static TheoryData<string> PatternsAppFunctions => [.. PatternsApp.Manifest.Functions.Select(f => f.Name)];

    [Theory]
    [MemberData(nameof(PatternsAppFunctions))]
    public async Task EveryPatternsAppFunction_BindsInAContainerWithOnlyALoggerFactory(string name)
    {
        // jobs-api once crashed its bootstrap on the first POST /jobs: it asked for an ILogger<T> nothing registered.
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        await services.AddPortableHostAsync(PatternsApp.App, new CloudServices { Publisher = _ => new InMemoryPublisher(TimeProvider.System) }, o => o.FunctionTarget = name, CancellationToken.None);
        await using var provider = services.BuildServiceProvider();
        var function = PatternsApp.Manifest.Functions.Single(f => f.Name == name);

        Assert.NotNull(function.Trigger.Bind(provider));
    }
}
