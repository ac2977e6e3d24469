using Portable.Gcp.Events;
using Portable.Core.Patterns;
using Portable.Core.Settings;

namespace Portable.Gcp.Tests;

public sealed class CloudRunSettingsTests
{
    private static HostSettings Env(params (string Name, string Value)[] variables) =>
        new(name => variables.FirstOrDefault(v => v.Name == name).Value);

    private static string Declared => string.Join(", ", PatternsApp.Manifest.Functions.Select(f => f.Name));

    [Fact]
    public void From_EmptyEnvironment_DefaultsToPort8080AndEveryFunction()
    {
        Assert.Equal(new CloudRunSettings(8080, null, null), CloudRunSettings.From(Env(), PatternsApp.Manifest));
    }

    [Fact]
    public void From_PortTargetAndProject_ReadsAll()
    {
        var settings = CloudRunSettings.From(Env(("PORT", "9090"), ("FUNCTION_TARGET", "items-api"), ("GOOGLE_CLOUD_PROJECT", "demo")), PatternsApp.Manifest);

        Assert.Equal(new CloudRunSettings(9090, "items-api", "demo"), settings);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void From_BlankFunctionTarget_ServesEveryFunction(string target)
    {
        Assert.Null(CloudRunSettings.From(Env(("FUNCTION_TARGET", target)), PatternsApp.Manifest).FunctionTarget);
    }

    [Fact]
    public void From_PortWithSurroundingSpace_IsTrimmedAsEverySetting()
    {
        Assert.Equal(8081, CloudRunSettings.From(Env(("PORT", " 8081 ")), PatternsApp.Manifest).Port);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("-1")]
    [InlineData("80.5")]
    [InlineData("0x50")]
    public void From_InvalidPort_ThrowsNamingVariableValueAndRange(string port)
    {
        var e = Assert.Throws<SettingsException>(() => CloudRunSettings.From(Env(("PORT", port)), PatternsApp.Manifest));

        Assert.Equal($"PORT='{port}' is not valid: expected a whole number from 1 to 65535.", e.Message);
        Assert.Equal(("PORT", port), (e.Variable, e.Value));
    }

    [Fact]
    public void From_UnknownFunctionTarget_ThrowsListingDeclaredFunctions()
    {
        var e = Assert.Throws<SettingsException>(() => CloudRunSettings.From(Env(("FUNCTION_TARGET", "nope")), PatternsApp.Manifest));

        Assert.Equal($"FUNCTION_TARGET='nope' is not valid: expected the name of a function in the manifest, one of: {Declared}.", e.Message);
        Assert.Contains("items-api", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("my-project")]
    [InlineData("example.com:my-project")]
    [InlineData("p")]
    public void From_ProjectId_IsRead(string project)
    {
        Assert.Equal(project, CloudRunSettings.From(Env(("GOOGLE_CLOUD_PROJECT", project)), PatternsApp.Manifest).ProjectId);
    }

    [Theory]
    [InlineData("My-Project")]
    [InlineData("projects/my-project")]
    [InlineData("my project")]
    [InlineData("1project")]
    public void From_InvalidProjectId_ThrowsNamingTheValue(string project)
    {
        var e = Assert.Throws<SettingsException>(() => CloudRunSettings.From(Env(("GOOGLE_CLOUD_PROJECT", project)), PatternsApp.Manifest));

        Assert.Equal("GOOGLE_CLOUD_PROJECT", e.Variable);
        Assert.StartsWith($"GOOGLE_CLOUD_PROJECT='{project}' is not valid: expected a Google Cloud project ID", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ShutdownTimeout_IsInsideCloudRunsTenSecondGrace()
    {
        Assert.InRange(CloudRunSettings.ShutdownTimeout, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(9.5));
    }

    private static readonly Portable.Core.Functions.FunctionManifest WithCloudEvent = new Portable.Core.Functions.FunctionManifestBuilder()
        .AddHttp("api", routes => routes.Map("GET", "/", (_, _, _) => ValueTask.FromResult(Portable.Core.Http.PortableHttpResponse.Empty(204))))
        .AddCloudEvent("echo", (_, _, _) => ValueTask.CompletedTask)
        .Build();

    [Theory]
    [InlineData("cloudevent", "echo")]
    [InlineData("http", "api")]
    [InlineData("cloudevent", null)]
    public void From_SignatureTypeMatchingTheTarget_IsAccepted(string signatureType, string? target)
    {
        var variables = target is null ? Env(("FUNCTION_SIGNATURE_TYPE", signatureType)) : Env(("FUNCTION_SIGNATURE_TYPE", signatureType), ("FUNCTION_TARGET", target));

        Assert.Equal(target, CloudRunSettings.From(variables, WithCloudEvent).FunctionTarget);
    }

    [Theory]
    [InlineData("cloudevent", "api", "FUNCTION_SIGNATURE_TYPE='cloudevent' is not valid: expected http, since function 'api' has a HttpTrigger, not a CloudEventTrigger.")]
    [InlineData("http", "echo", "FUNCTION_SIGNATURE_TYPE='http' is not valid: expected cloudevent, since function 'echo' is a CloudEvent function.")]
    [InlineData("event", "echo", "FUNCTION_SIGNATURE_TYPE='event' is not valid: expected http or cloudevent (legacy background functions are served as CloudEvent functions, which take legacy events converted).")]
    public void From_SignatureTypeContradictingTheTarget_Throws(string signatureType, string target, string message)
    {
        var e = Assert.Throws<SettingsException>(() => CloudRunSettings.From(Env(("FUNCTION_SIGNATURE_TYPE", signatureType), ("FUNCTION_TARGET", target)), WithCloudEvent));

        Assert.Equal(message, e.Message);
    }
}
