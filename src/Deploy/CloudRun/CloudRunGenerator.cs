using System.Text;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Core.Sagas;
using Portable.Core.Schedules;
using Portable.Core.Streams;
using Portable.Deploy.Workflows;

namespace Portable.Deploy.CloudRun;

/// <summary>
/// The Google Cloud files: per function a Cloud Run service (<c>gcp/services/&lt;function&gt;.yaml</c>, Knative serving v1
/// as <c>gcloud run services replace</c> reads it: the image, <c>FUNCTION_TARGET</c>, min and max instances,
/// concurrency, request timeout, memory, the Cloud SQL connection from Secret Manager), and <c>gcp/setup.sh</c>, which
/// deploys those services and creates, per queue function, the Pub/Sub topic, its <c>&lt;topic&gt;-dead-letter</c> topic and
/// a push subscription with 5 delivery attempts (Pub/Sub's dead-letter policy), and per schedule function a Cloud
/// Scheduler job in the manifest's time zone. <c>${IMAGE}</c>, <c>${PROJECT_ID}</c> and <c>${CLOUD_SQL_INSTANCE}</c> in the
/// service files are filled in by setup.sh (envsubst). Event and storage functions are routed by Eventarc triggers,
/// which another generator writes; setup.sh deploys their services.
/// </summary>
public static class CloudRunGenerator
{
    /// <summary>The setup script's path under <c>deploy/</c>.</summary>
    public const string ScriptPath = "gcp/setup.sh";

    /// <summary>Pub/Sub delivery attempts before the dead-letter topic: 5, as <c>DeliveryProfile</c> has it (Pub/Sub allows 5-100).</summary>
    public const int MaxDeliveryAttempts = 5;

    /// <summary>The Secret Manager secret holding <c>PORTABLE_POSTGRES_CONNECTION</c>.</summary>
    public const string PostgresSecret = "portable-postgres";

    /// <summary>The path of <paramref name="function"/>'s service file under <c>deploy/</c>.</summary>
    public static string ServicePath(string function) => $"gcp/services/{function}.yaml";

    /// <summary>The Cloud Run service name of <paramref name="function"/>.</summary>
    public static string ServiceName(string function) => "portable-" + function;

    /// <summary>Every service file, then the setup script.</summary>
    public static IReadOnlyList<DeployFile> Generate(FunctionManifest manifest, DeploymentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        options ??= new DeploymentOptions();
        options.ValidateAgainst(manifest);
        var files = manifest.Functions.Select(f => new DeployFile(ServicePath(f.Name), Service(f, options.For(f)))).ToList();
        files.Add(new DeployFile(ScriptPath, Script(manifest)));
        return files;
    }

    private static string Service(FunctionDefinition function, FunctionDeployment d)
    {
        var env = new List<object?>
        {
            new YamlMap().Add("name", "FUNCTION_TARGET").Add("value", function.Name),
            new YamlMap().Add("name", "GOOGLE_CLOUD_PROJECT").Add("value", "${PROJECT_ID}"),
            new YamlMap().Add("name", "PORTABLE_POSTGRES_CONNECTION").Add("valueFrom", YamlMap.Of("secretKeyRef", new YamlMap().Add("name", PostgresSecret).Add("key", "latest"))),
        };
        var document = new YamlMap()
            .Add("apiVersion", "serving.knative.dev/v1")
            .Add("kind", "Service")
            .Add("metadata", new YamlMap()
                .Add("name", ServiceName(function.Name))
                .Add("labels", YamlMap.Of("portable-function", function.Name))
                .Add("annotations", YamlMap.Of("run.googleapis.com/ingress", "all")))
            .Add("spec", YamlMap.Of("template", new YamlMap()
                .Add("metadata", YamlMap.Of("annotations", new YamlMap()
                    .Add("autoscaling.knative.dev/minScale", d.MinInstances!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .Add("autoscaling.knative.dev/maxScale", d.MaxInstances!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .Add("run.googleapis.com/cloudsql-instances", "${CLOUD_SQL_INSTANCE}")))
                .Add("spec", new YamlMap()
                    .Add("containerConcurrency", (long)d.Concurrency!.Value)
                    .Add("timeoutSeconds", (long)d.TimeoutSeconds!.Value)
                    .Add("containers", new List<object?>
                    {
                        new YamlMap()
                            .Add("image", "${IMAGE}")
                            .Add("ports", new List<object?> { new YamlMap().Add("name", "http1").Add("containerPort", 8080L) })
                            .Add("env", env)
                            .Add("resources", YamlMap.Of("limits", new YamlMap().Add("cpu", "1").Add("memory", $"{d.MemoryMb}Mi"))),
                    }))));
        return YamlWriter.Write(document, [
            $"Cloud Run service of {function.Name} ({function.Trigger.Kind}), generated from the manifest by Portable.Deploy (src/Deploy/CloudRun);",
            "do not edit: change the manifest or the deployment options and run `portable deploy`. Deployed by deploy/gcp/setup.sh.",
        ]);
    }

    private static string Script(FunctionManifest manifest)
    {
        var s = new StringBuilder();
        s.Append("""
            #!/usr/bin/env bash
            # Deploys the app to Google Cloud: a Cloud Run service per function, the Pub/Sub topics and push subscriptions
            # of the queue functions (with dead-letter topics), the Cloud Scheduler jobs of the schedule functions.
            # Generated from the manifest by Portable.Deploy (src/Deploy/CloudRun); do not edit: run `portable deploy`.
            #
            #   PROJECT_ID=my-project REGION=europe-west1 IMAGE=europe-west1-docker.pkg.dev/my-project/portable/portable:1 \
            #   CLOUD_SQL_INSTANCE=my-project:europe-west1:portable deploy/gcp/setup.sh
            #
            # Needs gcloud (logged in) and envsubst (gettext-base); the secret portable-postgres holds the connection
            # string (deploy/gcp/README.md). Safe to run again: what exists already is kept or replaced.
            set -euo pipefail
            : "${PROJECT_ID:?set PROJECT_ID}" "${REGION:?set REGION}" "${IMAGE:?set IMAGE (the container image built from the Dockerfile)}" "${CLOUD_SQL_INSTANCE:?set CLOUD_SQL_INSTANCE (project:region:instance)}"
            export PROJECT_ID REGION IMAGE CLOUD_SQL_INSTANCE
            here="$(cd "$(dirname "$0")" && pwd)"
            invoker="portable-invoker@${PROJECT_ID}.iam.gserviceaccount.com"
            project_number="$(gcloud projects describe "$PROJECT_ID" --format 'value(projectNumber)')"
            pubsub_agent="service-${project_number}@gcp-sa-pubsub.iam.gserviceaccount.com"

            gcloud iam service-accounts describe "$invoker" --project "$PROJECT_ID" >/dev/null 2>&1 ||
              gcloud iam service-accounts create portable-invoker --project "$PROJECT_ID" --display-name "Pub/Sub, Scheduler and Workflows calling Portable's services"

            # deploy FUNCTION: the service file with the image, project and Cloud SQL instance filled in.
            deploy() {
              local file
              file="$(mktemp)"
              envsubst '${IMAGE} ${PROJECT_ID} ${CLOUD_SQL_INSTANCE}' <"$here/services/$1.yaml" >"$file"
              gcloud run services replace "$file" --region "$REGION" --project "$PROJECT_ID"
              rm -f "$file"
            }

            url() { gcloud run services describe "portable-$1" --region "$REGION" --project "$PROJECT_ID" --format 'value(status.url)'; }

            invoker_of() {
              gcloud run services add-iam-policy-binding "portable-$1" --region "$REGION" --project "$PROJECT_ID" \
                --member "$2" --role roles/run.invoker >/dev/null
            }


            """);
        foreach (var function in manifest.Functions)
        {
            s.Append($"# {function.Name} ({function.Trigger.Kind})\n");
            s.Append($"deploy {function.Name}\n");
            switch (function.Trigger)
            {
                case HttpTrigger:
                    s.Append($"invoker_of {function.Name} allUsers  # a public API; drop this line to require IAM\n");
                    break;
                case QueueTrigger queue:
                    Subscription(s, function.Name, queue.Queue, ordered: false);
                    break;
                case StreamTrigger stream:
                    Subscription(s, function.Name, stream.Stream, ordered: true);
                    break;
                case ScheduleTrigger schedule:
                    s.Append($"invoker_of {function.Name} \"serviceAccount:$invoker\"\n");
                    s.Append($"gcloud scheduler jobs describe {ServiceName(function.Name)} --location \"$REGION\" --project \"$PROJECT_ID\" >/dev/null 2>&1 && verb=update || verb=create\n");
                    s.Append($"gcloud scheduler jobs \"$verb\" http {ServiceName(function.Name)} --location \"$REGION\" --project \"$PROJECT_ID\" \\\n");
                    s.Append($"  --schedule '{string.Join(' ', schedule.Schedule.Expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).TakeLast(5))}' --time-zone '{schedule.Schedule.TimeZoneId}' \\\n");
                    s.Append($"  --uri \"$(url {function.Name})\" --http-method POST --oidc-service-account-email \"$invoker\" --oidc-token-audience \"$(url {function.Name})\"\n");
                    break;
                case SagaStepTrigger saga:
                    s.Append($"invoker_of {function.Name} \"serviceAccount:$invoker\"  # the {saga.Definition.Name} saga's workflow calls it (README: gcloud workflows deploy)\n");
                    break;
                default:
                    s.Append($"invoker_of {function.Name} \"serviceAccount:$invoker\"  # routed by an Eventarc trigger\n");
                    break;
            }

            s.Append('\n');
        }

        s.Append("echo \"deployed: $(url ").Append(manifest.Functions[0].Name).Append(")\"\n");
        return s.ToString();
    }

    private static void Subscription(StringBuilder s, string function, string topic, bool ordered)
    {
        var dead = topic + "-dead-letter";
        var subscription = $"{topic}-{function}";
        s.Append($"invoker_of {function} \"serviceAccount:$invoker\"\n");
        s.Append($"for topic in {topic} {dead}; do\n");
        s.Append("  gcloud pubsub topics describe \"$topic\" --project \"$PROJECT_ID\" >/dev/null 2>&1 || gcloud pubsub topics create \"$topic\" --project \"$PROJECT_ID\"\n");
        s.Append("done\n");
        s.Append($"gcloud pubsub subscriptions describe {subscription} --project \"$PROJECT_ID\" >/dev/null 2>&1 && verb=update || verb=create\n");
        s.Append($"gcloud pubsub subscriptions \"$verb\" {subscription} --project \"$PROJECT_ID\" \\\n");
        s.Append($"  $([ \"$verb\" = create ] && echo --topic {topic}{(ordered ? " --enable-message-ordering" : string.Empty)}) \\\n");
        s.Append($"  --push-endpoint \"$(url {function})\" --push-auth-service-account \"$invoker\" \\\n");
        s.Append($"  --dead-letter-topic {dead} --max-delivery-attempts {MaxDeliveryAttempts} --ack-deadline 60\n");
        s.Append("# Pub/Sub's own agent forwards to the dead-letter topic and acknowledges on the subscription.\n");
        s.Append($"gcloud pubsub topics add-iam-policy-binding {dead} --project \"$PROJECT_ID\" --member \"serviceAccount:$pubsub_agent\" --role roles/pubsub.publisher >/dev/null\n");
        s.Append($"gcloud pubsub subscriptions add-iam-policy-binding {subscription} --project \"$PROJECT_ID\" --member \"serviceAccount:$pubsub_agent\" --role roles/pubsub.subscriber >/dev/null\n");
    }
}
