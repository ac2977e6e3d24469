using System.Text;
using Portable.Core.Functions;
using Portable.Core.Messaging;

namespace Portable.Azure.Layout;

/// <summary>
/// The Azure Functions script root generated from the manifest: <c>host.json</c>, one folder per function
/// holding its <c>function.json</c>, the catch-all <see cref="FallbackFunctionName"/> function and a
/// <c>local.settings.json</c> for <c>func start</c>. The committed <c>deploy/azure</c> and every publish
/// folder come from here.
/// </summary>
public static class FunctionsLayout
{
    /// <summary>
    /// The catch-all function (route <c>{*path}</c>) that sends every path no other function claims to our
    /// router, so an unknown path gets the project's JSON 404 rather than the host's empty one.
    /// </summary>
    public const string FallbackFunctionName = "fallback";

    /// <summary>The handler executable the host starts (<c>customHandler.description.defaultExecutablePath</c>).</summary>
    public const string ExecutableName = "Portable.Azure";

    /// <summary>
    /// Every file of the script root, in a stable order. <paramref name="options"/> holds the Azure-only choices
    /// (Storage Queue or Service Bus per queue function); <see cref="AzureLayoutOptions.Default"/> when null.
    /// </summary>
    public static IReadOnlyList<LayoutFile> Generate(FunctionManifest manifest, AzureLayoutOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        options ??= AzureLayoutOptions.Default;
        var unknown = options.ServiceBusFunctions.Where(n => manifest.Find(n) is not { Trigger: QueueTrigger }).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException(
                $"Service Bus was selected for {string.Join(", ", unknown.Select(n => $"'{n}'"))}, which is not a queue function of the manifest. Queue functions: {string.Join(", ", manifest.Functions.Where(f => f.Trigger is QueueTrigger).Select(f => f.Name))}.",
                nameof(options));
        }

        var queueServices = manifest.Functions.Where(f => f.Trigger is QueueTrigger).Select(f => options.ServiceFor(f.Name)).ToHashSet();
        var routes = HttpRoutes(manifest);

        var files = new List<LayoutFile>
        {
            new("host.json", HostJsonWriter.Write(ExecutableName, queueServices)),
            new("local.settings.json", HostJsonWriter.WriteLocalSettings(queueServices, options)),
        };
        foreach (var function in manifest.Functions)
        {
            files.Add(new($"{function.Name}/function.json", FunctionJsonWriter.Write(function, options)));
        }

        if (routes.Any(r => r.FunctionName == FallbackFunctionName))
        {
            files.Add(new($"{FallbackFunctionName}/function.json", FunctionJsonWriter.WriteFallback()));
        }

        return files;
    }

    /// <summary>
    /// The Azure HTTP functions of <paramref name="manifest"/>, in manifest order: one per HTTP function, at the
    /// templates' common route (<see cref="FunctionJsonWriter.CommonRoute"/>) with the methods of its routes, then
    /// the <see cref="FallbackFunctionName"/> catch-all taking every method. A function whose routes share no literal
    /// prefix can only be reached through a catch-all route, so it takes <c>{*path}</c> and every method itself, and
    /// there is no fallback (the Core router behind every route answers unknown paths with the JSON 404 all the same);
    /// two such functions would shadow each other, which no single Azure route can untangle. The custom-handler layout
    /// and the isolated worker's metadata both come from here.
    /// </summary>
    /// <exception cref="InvalidOperationException">The manifest declares a function named <see cref="FallbackFunctionName"/>.</exception>
    /// <exception cref="NotSupportedException">Two functions would each need the catch-all route.</exception>
    public static IReadOnlyList<AzureHttpRoute> HttpRoutes(FunctionManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (manifest.Find(FallbackFunctionName) is not null)
        {
            throw new InvalidOperationException(
                $"The manifest declares a function named '{FallbackFunctionName}', which the Azure layout reserves for its catch-all function. Rename it.");
        }

        var catchAll = manifest.HttpFunctions.Where(f => FunctionJsonWriter.CommonRoute(f.Trigger) is null).Select(f => f.Function.Name).ToList();
        if (catchAll.Count > 1)
        {
            throw new NotSupportedException(
                $"Functions {string.Join(", ", catchAll.Select(n => $"'{n}'"))} each have routes that share no leading literal segment, so each would need Azure's one catch-all route. Give all but one a common prefix, or split them.");
        }

        var routes = new List<AzureHttpRoute>();
        foreach (var (function, trigger) in manifest.HttpFunctions)
        {
            routes.Add(FunctionJsonWriter.CommonRoute(trigger) is { } route
                ? new AzureHttpRoute(function.Name, route, trigger.Methods)
                : new AzureHttpRoute(function.Name, AzureHttpRoute.CatchAllRoute, null));
        }

        if (catchAll.Count == 0)
        {
            routes.Add(new AzureHttpRoute(FallbackFunctionName, AzureHttpRoute.CatchAllRoute, null));
        }

        return routes;
    }

    /// <summary>
    /// Writes the script root into <paramref name="directory"/> (created when missing), overwriting the generated
    /// files and leaving everything else alone. Returns the paths written.
    /// </summary>
    public static IReadOnlyList<string> WriteTo(string directory, FunctionManifest manifest, AzureLayoutOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var written = new List<string>();
        foreach (var file in Generate(manifest, options))
        {
            var path = Path.Combine(directory, file.RelativePath.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, file.Content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            written.Add(path);
        }

        return written;
    }
}
