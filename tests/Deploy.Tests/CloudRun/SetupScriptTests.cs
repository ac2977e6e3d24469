using Portable.Core.Patterns;
using Portable.Deploy.CloudRun;
using Portable.Emulators.Processes;
using Portable.TestKit;

namespace Portable.Deploy.Tests.CloudRun;

/// <summary>
/// <c>deploy/gcp/setup.sh</c> runs to the end under <c>bash -euo pipefail</c> against a recording stand-in for
/// <c>gcloud</c> (and for envsubst), and asks for what the manifest needs: a service per function with the values
/// filled in, a push subscription with its dead-letter topic and 5 attempts per queue function, a Scheduler job per
/// schedule function. What the real gcloud does with the flags is Google's; the flags are the documented ones.
/// </summary>
public sealed class SetupScriptTests
{
    [Fact]
    public async Task Script_AgainstARecordingGcloud_DeploysEveryPieceOfTheManifest()
    {
        var folder = Directory.CreateTempSubdirectory("portable-gcp-").FullName;
        try
        {
            var bin = Directory.CreateDirectory(Path.Combine(folder, "bin")).FullName;
            var log = Path.Combine(folder, "gcloud.log");
            // describe fails (nothing exists yet) except for URLs and the project number; replace records the filled-in file.
            await WriteExecutableAsync(Path.Combine(bin, "gcloud"), $$"""
                #!/usr/bin/env bash
                echo "$*" >>'{{log}}'
                case "$*" in
                  "run services replace "*) grep -q '\${' "$4" && { echo "unfilled placeholder in $4" >&2; exit 3; }; cat "$4" >>'{{log}}' ;;
                  "run services describe "*) echo "https://$4.run.example" ;;
                  "projects describe "*) echo 123456 ;;
                  *" describe "*) exit 1 ;;
                esac
                """);
            await WriteExecutableAsync(Path.Combine(bin, "envsubst"), """
                #!/usr/bin/env bash
                sed -e "s|\${IMAGE}|$IMAGE|g" -e "s|\${PROJECT_ID}|$PROJECT_ID|g" -e "s|\${CLOUD_SQL_INSTANCE}|$CLOUD_SQL_INSTANCE|g"
                """);
            var deploy = Path.Combine(folder, "deploy");
            DeployGenerator.Write(DeployGenerator.Generate(PatternsApp.Manifest, PatternsDeployment.Options), deploy);
            Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", CloudRunGenerator.ScriptPath)), File.ReadAllText(Path.Combine(deploy, CloudRunGenerator.ScriptPath)));

            await using var bash = ChildProcess.Start(new ChildProcessOptions
            {
                Name = "setup.sh",
                FileName = "bash",
                Arguments = [Path.Combine(deploy, CloudRunGenerator.ScriptPath)],
                Environment = new Dictionary<string, string?>(StringComparer.Ordinal)
                {
                    ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH"),
                    ["PROJECT_ID"] = "proj",
                    ["REGION"] = "europe-west1",
                    ["IMAGE"] = "europe-west1-docker.pkg.dev/proj/portable/portable:1",
                    ["CLOUD_SQL_INSTANCE"] = "proj:europe-west1:portable",
                },
            });
            var code = await bash.WaitForExitAsync(TimeSpan.FromSeconds(60));
            var calls = File.ReadAllText(log);

            Assert.True(code == 0, $"setup.sh exited {code}:\n{bash.Output}\n{calls}");
            foreach (var function in PatternsApp.Manifest.Functions)
            {
                Assert.Contains($"- name: FUNCTION_TARGET\n              value: {function.Name}", calls, StringComparison.Ordinal);
            }

            Assert.Contains("image: europe-west1-docker.pkg.dev/proj/portable/portable:1", calls, StringComparison.Ordinal);
            Assert.Contains("pubsub subscriptions create payments-ledger-writer --project proj --topic payments --push-endpoint https://portable-ledger-writer.run.example --push-auth-service-account portable-invoker@proj.iam.gserviceaccount.com --dead-letter-topic payments-dead-letter --max-delivery-attempts 5", calls, StringComparison.Ordinal);
            Assert.Contains("pubsub topics create job-chunks-dead-letter", calls, StringComparison.Ordinal);
            Assert.Contains("--member serviceAccount:service-123456@gcp-sa-pubsub.iam.gserviceaccount.com --role roles/pubsub.publisher", calls, StringComparison.Ordinal);
            Assert.Contains("scheduler jobs create http portable-reconcile-orders --location europe-west1 --project proj --schedule * * * * * --time-zone UTC --uri https://portable-reconcile-orders.run.example --http-method POST", calls, StringComparison.Ordinal);
            Assert.Contains("run services add-iam-policy-binding portable-items-api --region europe-west1 --project proj --member allUsers --role roles/run.invoker", calls, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task WriteExecutableAsync(string path, string text)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("setup.sh is a bash script; this test runs on Linux.");
        }

        await File.WriteAllTextAsync(path, text.ReplaceLineEndings("\n") + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
