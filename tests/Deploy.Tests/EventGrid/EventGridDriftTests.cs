using Portable.Core.Patterns;
using Portable.Deploy.EventGrid;
using Portable.TestKit;

namespace Portable.Deploy.Tests.EventGrid;

/// <summary>
/// The committed <c>deploy/azure/event-grid.bicep</c> is exactly what the generator makes from the app's manifest
/// (<see cref="PatternsApp.Manifest"/>), and there is none while the app has no event function: a rule added, changed
/// or removed without regenerating fails here. Run with <c>PORTABLE_UPDATE_DEPLOY=1</c> to rewrite (or delete) the file
/// instead, then review and commit it.
/// </summary>
public sealed class EventGridDriftTests
{
    private static string CommittedPath => Path.Combine(RepoPaths.Root, "deploy", EventGridGenerator.Path);

    [Fact]
    public void CommittedSubscriptions_MatchTheManifest()
    {
        var generated = EventGridGenerator.Generate(PatternsApp.Manifest);
        var how = $"run `PORTABLE_UPDATE_DEPLOY=1 dotnet test tests/Deploy.Tests --filter {nameof(EventGridDriftTests)}`, review the diff and commit it.";
        if (Environment.GetEnvironmentVariable("PORTABLE_UPDATE_DEPLOY") == "1")
        {
            if (generated.Count == 0)
            {
                File.Delete(CommittedPath);
            }
            else
            {
                File.WriteAllText(CommittedPath, Assert.Single(generated).Content);
            }
        }

        if (generated.Count == 0)
        {
            Assert.False(File.Exists(CommittedPath), $"deploy/{EventGridGenerator.Path} is committed but the manifest has no event function: {how}");
            return;
        }

        var file = Assert.Single(generated);
        Assert.True(File.Exists(CommittedPath), $"deploy/{file.Path} is missing: {how}");
        Assert.True(File.ReadAllText(CommittedPath) == file.Content, $"deploy/{file.Path} has drifted from the manifest's event functions: {how}");
    }
}
