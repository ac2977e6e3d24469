using Portable.Core.Functions;
using Portable.Gcp.Events;

namespace Portable.CloudEventConformanceApp;

/// <summary>
/// The conformance app: one CloudEvent function, <c>cloudevent-echo</c>, that writes each event it receives, in the
/// CloudEvents JSON format, to <c>function_output.json</c> in the working directory (the file and place the
/// functions-framework-conformance client reads: <c>client/validate.go</c>, <c>outputFile</c>).
/// </summary>
public static class EchoApp
{
    /// <summary>The function's name.</summary>
    public const string FunctionName = "cloudevent-echo";

    /// <summary>The file the conformance client reads after each request.</summary>
    public const string OutputFile = "function_output.json";

    /// <summary>The app's manifest.</summary>
    public static FunctionManifest Manifest { get; } = new FunctionManifestBuilder()
        .AddCloudEvent(FunctionName, static (cloudEvent, _, ct) => new ValueTask(File.WriteAllBytesAsync(OutputFile, CloudEventJson.Serialize(cloudEvent), ct)))
        .Build();

    /// <summary>The app.</summary>
    public static FunctionApp App { get; } = new(Manifest);
}
