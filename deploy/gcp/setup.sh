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

# items-api (http)
deploy items-api
invoker_of items-api allUsers  # a public API; drop this line to require IAM

# ledger-writer (pubsub)
deploy ledger-writer
invoker_of ledger-writer "serviceAccount:$invoker"
for topic in payments payments-dead-letter; do
  gcloud pubsub topics describe "$topic" --project "$PROJECT_ID" >/dev/null 2>&1 || gcloud pubsub topics create "$topic" --project "$PROJECT_ID"
done
gcloud pubsub subscriptions describe payments-ledger-writer --project "$PROJECT_ID" >/dev/null 2>&1 && verb=update || verb=create
gcloud pubsub subscriptions "$verb" payments-ledger-writer --project "$PROJECT_ID" \
  $([ "$verb" = create ] && echo --topic payments) \
  --push-endpoint "$(url ledger-writer)" --push-auth-service-account "$invoker" \
  --dead-letter-topic payments-dead-letter --max-delivery-attempts 5 --ack-deadline 60
# Pub/Sub's own agent forwards to the dead-letter topic and acknowledges on the subscription.
gcloud pubsub topics add-iam-policy-binding payments-dead-letter --project "$PROJECT_ID" --member "serviceAccount:$pubsub_agent" --role roles/pubsub.publisher >/dev/null
gcloud pubsub subscriptions add-iam-policy-binding payments-ledger-writer --project "$PROJECT_ID" --member "serviceAccount:$pubsub_agent" --role roles/pubsub.subscriber >/dev/null

# accounts-api (http)
deploy accounts-api
invoker_of accounts-api allUsers  # a public API; drop this line to require IAM

# inventory-api (http)
deploy inventory-api
invoker_of inventory-api allUsers  # a public API; drop this line to require IAM

# orders-api (http)
deploy orders-api
invoker_of orders-api allUsers  # a public API; drop this line to require IAM

# order-saga (other)
deploy order-saga
invoker_of order-saga "serviceAccount:$invoker"  # the order saga's workflow calls it (README: gcloud workflows deploy)

# order-saga-coordinator (pubsub)
deploy order-saga-coordinator
invoker_of order-saga-coordinator "serviceAccount:$invoker"
for topic in order-saga order-saga-dead-letter; do
  gcloud pubsub topics describe "$topic" --project "$PROJECT_ID" >/dev/null 2>&1 || gcloud pubsub topics create "$topic" --project "$PROJECT_ID"
done
gcloud pubsub subscriptions describe order-saga-order-saga-coordinator --project "$PROJECT_ID" >/dev/null 2>&1 && verb=update || verb=create
gcloud pubsub subscriptions "$verb" order-saga-order-saga-coordinator --project "$PROJECT_ID" \
  $([ "$verb" = create ] && echo --topic order-saga) \
  --push-endpoint "$(url order-saga-coordinator)" --push-auth-service-account "$invoker" \
  --dead-letter-topic order-saga-dead-letter --max-delivery-attempts 5 --ack-deadline 60
# Pub/Sub's own agent forwards to the dead-letter topic and acknowledges on the subscription.
gcloud pubsub topics add-iam-policy-binding order-saga-dead-letter --project "$PROJECT_ID" --member "serviceAccount:$pubsub_agent" --role roles/pubsub.publisher >/dev/null
gcloud pubsub subscriptions add-iam-policy-binding order-saga-order-saga-coordinator --project "$PROJECT_ID" --member "serviceAccount:$pubsub_agent" --role roles/pubsub.subscriber >/dev/null

# reconcile-orders (timer)
deploy reconcile-orders
invoker_of reconcile-orders "serviceAccount:$invoker"
gcloud scheduler jobs describe portable-reconcile-orders --location "$REGION" --project "$PROJECT_ID" >/dev/null 2>&1 && verb=update || verb=create
gcloud scheduler jobs "$verb" http portable-reconcile-orders --location "$REGION" --project "$PROJECT_ID" \
  --schedule '* * * * *' --time-zone 'UTC' \
  --uri "$(url reconcile-orders)" --http-method POST --oidc-service-account-email "$invoker" --oidc-token-audience "$(url reconcile-orders)"

# orders-reserve-inventory (pubsub)
deploy orders-reserve-inventory
invoker_of orders-reserve-inventory "serviceAccount:$invoker"  # routed by an Eventarc trigger

# orders-charge-payment (pubsub)
deploy orders-charge-payment
invoker_of orders-charge-payment "serviceAccount:$invoker"  # routed by an Eventarc trigger

# orders-create-shipment (pubsub)
deploy orders-create-shipment
invoker_of orders-create-shipment "serviceAccount:$invoker"  # routed by an Eventarc trigger

# orders-notify-customer (pubsub)
deploy orders-notify-customer
invoker_of orders-notify-customer "serviceAccount:$invoker"  # routed by an Eventarc trigger

# orders-release-inventory (pubsub)
deploy orders-release-inventory
invoker_of orders-release-inventory "serviceAccount:$invoker"  # routed by an Eventarc trigger

# orders-refund-payment (pubsub)
deploy orders-refund-payment
invoker_of orders-refund-payment "serviceAccount:$invoker"  # routed by an Eventarc trigger

# orders-cancel-shipment (pubsub)
deploy orders-cancel-shipment
invoker_of orders-cancel-shipment "serviceAccount:$invoker"  # routed by an Eventarc trigger

# jobs-api (http)
deploy jobs-api
invoker_of jobs-api allUsers  # a public API; drop this line to require IAM

# job-chunk-worker (pubsub)
deploy job-chunk-worker
invoker_of job-chunk-worker "serviceAccount:$invoker"
for topic in job-chunks job-chunks-dead-letter; do
  gcloud pubsub topics describe "$topic" --project "$PROJECT_ID" >/dev/null 2>&1 || gcloud pubsub topics create "$topic" --project "$PROJECT_ID"
done
gcloud pubsub subscriptions describe job-chunks-job-chunk-worker --project "$PROJECT_ID" >/dev/null 2>&1 && verb=update || verb=create
gcloud pubsub subscriptions "$verb" job-chunks-job-chunk-worker --project "$PROJECT_ID" \
  $([ "$verb" = create ] && echo --topic job-chunks) \
  --push-endpoint "$(url job-chunk-worker)" --push-auth-service-account "$invoker" \
  --dead-letter-topic job-chunks-dead-letter --max-delivery-attempts 5 --ack-deadline 60
# Pub/Sub's own agent forwards to the dead-letter topic and acknowledges on the subscription.
gcloud pubsub topics add-iam-policy-binding job-chunks-dead-letter --project "$PROJECT_ID" --member "serviceAccount:$pubsub_agent" --role roles/pubsub.publisher >/dev/null
gcloud pubsub subscriptions add-iam-policy-binding job-chunks-job-chunk-worker --project "$PROJECT_ID" --member "serviceAccount:$pubsub_agent" --role roles/pubsub.subscriber >/dev/null

# job-upload-starter (datasource)
deploy job-upload-starter
invoker_of job-upload-starter "serviceAccount:$invoker"  # routed by an Eventarc trigger

echo "deployed: $(url items-api)"
