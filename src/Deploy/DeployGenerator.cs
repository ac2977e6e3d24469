using Portable.Core.Functions;
using Portable.Core.Sagas;
using Portable.Deploy.CloudFormation;
using Portable.Deploy.StepFunctions;
using Portable.Deploy.Workflows;

namespace Portable.Deploy;

/// <summary>
/// Every deployment file of an app, generated from its manifest in one call (<c>portable deploy</c>): the AWS
/// CloudFormation template, Lambda tools defaults and state machines, the Azure Bicep template, and the Google Cloud Run
/// services, Pub/Sub and Scheduler script and workflows. The drift test compares the same list with <c>deploy/</c>.
/// </summary>
public static class DeployGenerator
{
    /// <summary>The files for <paramref name="manifest"/>, in a stable order, paths relative to <c>deploy/</c>.</summary>
    public static IReadOnlyList<DeployFile> Generate(FunctionManifest manifest, DeploymentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        options ??= new DeploymentOptions();
        // The Event Grid subscriptions (only for a manifest with event functions) are a module of the app's Bicep, beside it.
        var eventGrid = EventGrid.EventGridGenerator.Generate(manifest);
        var modules = eventGrid.Select(file => new Bicep.BicepModule(
            "eventGrid",
            System.IO.Path.GetRelativePath("azure", file.Path),
            new Dictionary<string, string>(StringComparer.Ordinal) { ["storageAccountName"] = "storage.name", ["location"] = "location" })).ToList();
        var files = new List<DeployFile>
        {
            CloudFormationGenerator.Generate(manifest, options),
            LambdaToolsDefaultsGenerator.Generate(manifest, options),
            Bicep.AzureBicepGenerator.Generate(manifest, options, modules),
        };
        files.AddRange(eventGrid);
        files.AddRange(CloudRun.CloudRunGenerator.Generate(manifest, options));
        files.AddRange(Eventarc.EventarcTriggersGenerator.Generate(manifest));
        foreach (var (function, trigger) in manifest.FunctionsOf<SagaStepTrigger>())
        {
            files.Add(StepFunctionsGenerator.Generate(trigger.Definition));
            files.Add(WorkflowsGenerator.Generate(trigger.Definition, function.Name));
        }

        return files;
    }

    /// <summary>Writes <paramref name="files"/> under <paramref name="deployFolder"/>, creating folders; returns the full paths written.</summary>
    public static IReadOnlyList<string> Write(IEnumerable<DeployFile> files, string deployFolder)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentException.ThrowIfNullOrWhiteSpace(deployFolder);
        var written = new List<string>();
        foreach (var file in files)
        {
            var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(deployFolder, file.Path));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            File.WriteAllText(path, file.Content);
            if (path.EndsWith(".sh", StringComparison.Ordinal) && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            }
            written.Add(path);
        }

        return written;
    }
}
