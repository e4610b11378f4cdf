#!/usr/bin/env bash
# The Google Cloud side of event-consumers as idempotent gcloud commands: run it again and it changes only what is
# missing. docs/operations.md walks through it; every role it grants is in that page's table (deploy-check compares).
#
#   gcp/setup.sh [options] STEP...
#
# Steps, in the order an empty project needs them:
#   foundation   APIs, Artifact Registry, Firestore with its indexes and TTL policies, the buckets, topics and secret,
#                one service account per service (and for event delivery, schedules and deployment) with its roles
#   deploy [S]   Cloud Run: deploy every service (or S) from the registry, each with its own account
#   wire [S]     Cloud Run: invoker grants, Eventarc triggers with dead-letter policies, the dead-letter push
#                subscription, Cloud Scheduler jobs (needs the services deployed)
#   gke          GKE with Knative (k8s/overlays/gke applied): Workload Identity for each service's KSA, and Eventarc
#                triggers that deliver Google's events to the cluster-local services
#   monitoring   the alert policies and the dashboard of gcp/monitoring/ (created unless one of that name exists)
#
# Options (each also read from the environment variable in brackets):
#   --project ID [PROJECT]  (default: gcloud's configured project)   --region R [REGION] (europe-west1)
#   --uploads-bucket B [UPLOADS_BUCKET] (PROJECT-uploads)           --reports-bucket B [REPORTS_BUCKET] (PROJECT-reports)
#   --dead-letters-bucket B [DEAD_LETTERS_BUCKET] (PROJECT-dead-letters)
#   --opensearch-url U [OPENSEARCH_URL]   --opensearch-username N [OPENSEARCH_USERNAME] (event-consumers)
#   --cors-origins O [CORS_ORIGINS]       the shop's browser origins, comma-separated
#   --cluster C [CLUSTER]  --cluster-location L [CLUSTER_LOCATION]  --namespace N [NAMESPACE] (default)   for gke
#   --otlp-endpoint U [OTLP_ENDPOINT]  an OpenTelemetry collector (e.g. a sidecar at http://localhost:4318): deploy
#                sets the services to push spans and metrics there; none: metrics are only served at /observe/metrics
#   --notification-channel C [NOTIFICATION_CHANNEL]  a channel's full name the alert policies notify (none: incidents
#                only show in the console)
#   --dry-run   print every command instead of running it (one per line, shell-quoted); reads nothing from the cloud
set -euo pipefail

readonly SERVICES=(dead-letters thumbnailer search-indexer orders-api order-worker daily-report)
readonly REPOSITORY=event-consumers
readonly TOPIC=order-actions
readonly DEAD_LETTER_TOPIC=dead-letters
readonly OPENSEARCH_SECRET=opensearch-password
# Eventarc's delivery identity, Cloud Scheduler's, and the one Cloud Build deploys with.
readonly DELIVERY_SA=event-delivery
readonly SCHEDULER_SA=scheduler
readonly DEPLOYER_SA=deployer

DRY_RUN=0
PROJECT=${PROJECT:-}
REGION=${REGION:-europe-west1}
UPLOADS_BUCKET=${UPLOADS_BUCKET:-}
REPORTS_BUCKET=${REPORTS_BUCKET:-}
DEAD_LETTERS_BUCKET=${DEAD_LETTERS_BUCKET:-}
OPENSEARCH_URL=${OPENSEARCH_URL:-https://opensearch.example.internal}
OPENSEARCH_USERNAME=${OPENSEARCH_USERNAME:-event-consumers}
CORS_ORIGINS=${CORS_ORIGINS:-https://shop.example.com}
CLUSTER=${CLUSTER:-}
CLUSTER_LOCATION=${CLUSTER_LOCATION:-}
NAMESPACE=${NAMESPACE:-default}
NOTIFICATION_CHANNEL=${NOTIFICATION_CHANNEL:-}
OTLP_ENDPOINT=${OTLP_ENDPOINT:-}
STEPS=()

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit "${1:-2}"
}

while (($#)); do
  if [[ $1 == --*=* ]]; then
    set -- "${1%%=*}" "${1#*=}" "${@:2}"
  fi
  case $1 in
    --dry-run) DRY_RUN=1 ;;
    --project) PROJECT=$2; shift ;;
    --region) REGION=$2; shift ;;
    --uploads-bucket) UPLOADS_BUCKET=$2; shift ;;
    --reports-bucket) REPORTS_BUCKET=$2; shift ;;
    --dead-letters-bucket) DEAD_LETTERS_BUCKET=$2; shift ;;
    --opensearch-url) OPENSEARCH_URL=$2; shift ;;
    --opensearch-username) OPENSEARCH_USERNAME=$2; shift ;;
    --cors-origins) CORS_ORIGINS=$2; shift ;;
    --cluster) CLUSTER=$2; shift ;;
    --cluster-location) CLUSTER_LOCATION=$2; shift ;;
    --namespace) NAMESPACE=$2; shift ;;
    --notification-channel) NOTIFICATION_CHANNEL=$2; shift ;;
    --otlp-endpoint) OTLP_ENDPOINT=$2; shift ;;
    -h|--help) usage 0 ;;
    -*) echo "unknown option $1" >&2; usage ;;
    *) STEPS+=("$1") ;;
  esac
  shift
done
((${#STEPS[@]})) || usage

if [[ -z $PROJECT ]]; then
  if ((DRY_RUN)); then
    echo "--dry-run needs --project" >&2
    exit 2
  fi
  PROJECT=$(gcloud config get-value project 2>/dev/null)
  [[ -n $PROJECT ]] || { echo "no project: pass --project or run gcloud config set project ID" >&2; exit 2; }
fi
UPLOADS_BUCKET=${UPLOADS_BUCKET:-$PROJECT-uploads}
REPORTS_BUCKET=${REPORTS_BUCKET:-$PROJECT-reports}
DEAD_LETTERS_BUCKET=${DEAD_LETTERS_BUCKET:-$PROJECT-dead-letters}
readonly REGISTRY=$REGION-docker.pkg.dev/$PROJECT/$REPOSITORY

sa() { echo "$1@$PROJECT.iam.gserviceaccount.com"; }
member() { echo "serviceAccount:$(sa "$1")"; }

# Runs a command, or prints it under --dry-run.
run() {
  if ((DRY_RUN)); then
    local quoted
    printf -v quoted '%q ' "$@"
    echo "${quoted% }"
  else
    echo "+ $*" >&2
    "$@"
  fi
}

# ensure DESCRIBE... -- CREATE...: creates what the describe command does not find.
ensure() {
  local describe=()
  while [[ $1 != -- ]]; do describe+=("$1"); shift; done
  shift
  if ((!DRY_RUN)) && "${describe[@]}" >/dev/null 2>&1; then
    echo "= exists: ${describe[*]}" >&2
    return
  fi
  run "$@"
}

# Runs a create command that has no describe by name, taking "already exists" as done.
create() {
  if ((DRY_RUN)); then
    run "$@"
    return
  fi
  local out
  if ! out=$("$@" 2>&1); then
    grep -qiE 'already exists|ALREADY_EXISTS' <<<"$out" || { echo "$out" >&2; return 1; }
    echo "= exists: $*" >&2
  fi
}

project_number() {
  if ((DRY_RUN)); then echo PROJECT_NUMBER; else gcloud projects describe "$PROJECT" --format='value(projectNumber)'; fi
}

service_url() {
  if ((DRY_RUN)); then
    echo "https://$1-HASH.a.run.app"
  else
    gcloud run services describe "$1" --project="$PROJECT" --region="$REGION" --format='value(status.url)'
  fi
}

trigger_subscription() {
  if ((DRY_RUN)); then
    echo "eventarc-$REGION-$1-sub-000"
  else
    gcloud eventarc triggers describe "$1" --project="$PROJECT" --location="$REGION" \
      --format='value(transport.pubsub.subscription)'
  fi
}

grant_project() { # ACCOUNT ROLE
  run gcloud projects add-iam-policy-binding "$PROJECT" --member="$(member "$1")" --role="$2" --condition=None \
    --quiet
}

foundation() {
  run gcloud services enable --project="$PROJECT" run.googleapis.com eventarc.googleapis.com \
    eventarcpublishing.googleapis.com pubsub.googleapis.com firestore.googleapis.com storage.googleapis.com \
    artifactregistry.googleapis.com cloudbuild.googleapis.com cloudscheduler.googleapis.com \
    secretmanager.googleapis.com monitoring.googleapis.com cloudtrace.googleapis.com logging.googleapis.com \
    iamcredentials.googleapis.com

  ensure gcloud artifacts repositories describe "$REPOSITORY" --project="$PROJECT" --location="$REGION" -- \
    gcloud artifacts repositories create "$REPOSITORY" --project="$PROJECT" --location="$REGION" \
    --repository-format=docker --description="event-consumers images"

  # Firestore in Native mode, the composite indexes and TTL policies of gcp/firestore.indexes.json.
  ensure gcloud firestore databases describe --project="$PROJECT" --database='(default)' -- \
    gcloud firestore databases create --project="$PROJECT" --database='(default)' --location="$REGION" \
    --type=firestore-native
  create gcloud firestore indexes composite create --project="$PROJECT" --collection-group=orders \
    --query-scope=COLLECTION --field-config=field-path=customerId,order=ascending \
    --field-config=field-path=createdAt,order=descending --async
  create gcloud firestore indexes composite create --project="$PROJECT" --collection-group=outbox \
    --query-scope=COLLECTION --field-config=field-path=state,order=ascending \
    --field-config=field-path=createdAt,order=ascending --async
  run gcloud firestore fields ttls update expireAt --project="$PROJECT" --collection-group=outbox --enable-ttl \
    --async --quiet
  run gcloud firestore fields ttls update expireAt --project="$PROJECT" --collection-group=idempotencyKeys \
    --enable-ttl --async --quiet

  # Uploads are versioned (a replaced photo can be recovered); thumbnails expire after 90 days and replaced
  # versions after 30 (gcp/uploads-lifecycle.json). Reports and dead letters are kept.
  local bucket
  for bucket in "$UPLOADS_BUCKET" "$REPORTS_BUCKET" "$DEAD_LETTERS_BUCKET"; do
    ensure gcloud storage buckets describe "gs://$bucket" --project="$PROJECT" -- \
      gcloud storage buckets create "gs://$bucket" --project="$PROJECT" --location="$REGION" \
      --uniform-bucket-level-access --public-access-prevention
  done
  run gcloud storage buckets update "gs://$UPLOADS_BUCKET" --project="$PROJECT" --versioning \
    --lifecycle-file="$(dirname "$0")/uploads-lifecycle.json"

  local topic
  for topic in "$TOPIC" "$DEAD_LETTER_TOPIC"; do
    ensure gcloud pubsub topics describe "$topic" --project="$PROJECT" -- \
      gcloud pubsub topics create "$topic" --project="$PROJECT"
  done
  # The OpenSearch password; add its value with: gcloud secrets versions add opensearch-password --data-file=-
  ensure gcloud secrets describe "$OPENSEARCH_SECRET" --project="$PROJECT" -- \
    gcloud secrets create "$OPENSEARCH_SECRET" --project="$PROJECT" --replication-policy=automatic

  local account
  for account in "${SERVICES[@]}" "$DELIVERY_SA" "$SCHEDULER_SA" "$DEPLOYER_SA"; do
    ensure gcloud iam service-accounts describe "$(sa "$account")" --project="$PROJECT" -- \
      gcloud iam service-accounts create "$account" --project="$PROJECT" --display-name="event-consumers $account"
  done

  # Each service: its own data, nothing else. Firestore grants are per project (Firestore IAM has no narrower
  # resource); the rest are on the one bucket, topic or secret the service uses.
  grant_project orders-api roles/datastore.user
  run gcloud pubsub topics add-iam-policy-binding "$TOPIC" --project="$PROJECT" --member="$(member orders-api)" \
    --role=roles/pubsub.publisher
  run gcloud secrets add-iam-policy-binding "$OPENSEARCH_SECRET" --project="$PROJECT" \
    --member="$(member orders-api)" --role=roles/secretmanager.secretAccessor
  grant_project order-worker roles/datastore.user
  run gcloud pubsub topics add-iam-policy-binding "$TOPIC" --project="$PROJECT" --member="$(member order-worker)" \
    --role=roles/pubsub.publisher
  run gcloud storage buckets add-iam-policy-binding "gs://$UPLOADS_BUCKET" --member="$(member thumbnailer)" \
    --role=roles/storage.objectUser
  run gcloud secrets add-iam-policy-binding "$OPENSEARCH_SECRET" --project="$PROJECT" \
    --member="$(member search-indexer)" --role=roles/secretmanager.secretAccessor
  grant_project daily-report roles/datastore.viewer
  run gcloud storage buckets add-iam-policy-binding "gs://$REPORTS_BUCKET" --member="$(member daily-report)" \
    --role=roles/storage.objectUser
  run gcloud storage buckets add-iam-policy-binding "gs://$DEAD_LETTERS_BUCKET" --member="$(member dead-letters)" \
    --role=roles/storage.objectCreator
  for account in "${SERVICES[@]}"; do
    grant_project "$account" roles/monitoring.metricWriter
    grant_project "$account" roles/cloudtrace.agent
  done

  # Delivery: Eventarc's triggers act as event-delivery (invoker grants come with `wire`).
  grant_project "$DELIVERY_SA" roles/eventarc.eventReceiver

  # Google's service agents: Cloud Storage publishes the events of its Eventarc triggers; Pub/Sub moves messages
  # that exhausted their attempts to the dead-letter topic, and must be able to acknowledge them where they were
  # (Eventarc names its subscriptions itself, so that grant is on the project).
  local number
  number=$(project_number)
  run gcloud projects add-iam-policy-binding "$PROJECT" \
    --member="serviceAccount:service-$number@gs-project-accounts.iam.gserviceaccount.com" \
    --role=roles/pubsub.publisher --condition=None --quiet
  run gcloud pubsub topics add-iam-policy-binding "$DEAD_LETTER_TOPIC" --project="$PROJECT" \
    --member="serviceAccount:service-$number@gcp-sa-pubsub.iam.gserviceaccount.com" --role=roles/pubsub.publisher
  run gcloud projects add-iam-policy-binding "$PROJECT" \
    --member="serviceAccount:service-$number@gcp-sa-pubsub.iam.gserviceaccount.com" \
    --role=roles/pubsub.subscriber --condition=None --quiet

  # The deployer (cloudbuild.yaml's serviceAccount): pushes images, deploys, wires triggers and schedules, and runs
  # services and triggers as the accounts above, nothing more.
  run gcloud artifacts repositories add-iam-policy-binding "$REPOSITORY" --project="$PROJECT" --location="$REGION" \
    --member="$(member "$DEPLOYER_SA")" --role=roles/artifactregistry.writer
  grant_project "$DEPLOYER_SA" roles/run.admin
  grant_project "$DEPLOYER_SA" roles/eventarc.admin
  grant_project "$DEPLOYER_SA" roles/cloudscheduler.admin
  grant_project "$DEPLOYER_SA" roles/pubsub.editor
  grant_project "$DEPLOYER_SA" roles/logging.logWriter
  for account in "${SERVICES[@]}" "$DELIVERY_SA" "$SCHEDULER_SA"; do
    run gcloud iam service-accounts add-iam-policy-binding "$(sa "$account")" --project="$PROJECT" \
      --member="$(member "$DEPLOYER_SA")" --role=roles/iam.serviceAccountUser
  done
}

# The flags every Cloud Run service shares: its own account, scale to zero, start-up CPU boost, JSON logs, project.
deploy_one() {
  local service=$1
  local args=(--project="$PROJECT" --region="$REGION" --image="$REGISTRY/$service"
    --service-account="$(sa "$service")" --min-instances=0 --cpu=1 --cpu-boost)
  local env=(LOG_FORMAT=json GCP_PROJECT="$PROJECT")
  case $service in
    dead-letters)
      args+=(--no-allow-unauthenticated --ingress=internal --max-instances=5 --concurrency=50 --memory=256Mi
        --timeout=60)
      env+=(BLOBSTORE_KIND=gcs DEADLETTERS_BUCKET="$DEAD_LETTERS_BUCKET") ;;
    thumbnailer)
      args+=(--no-allow-unauthenticated --ingress=internal --max-instances=10 --concurrency=4 --memory=512Mi
        --timeout=300)
      env+=(BLOBSTORE_KIND=gcs THUMBNAILER_SOURCE_PREFIX=uploads/) ;;
    search-indexer)
      args+=(--no-allow-unauthenticated --ingress=internal --max-instances=10 --concurrency=32 --memory=384Mi
        --timeout=60 --set-secrets=OPENSEARCH_PASSWORD="$OPENSEARCH_SECRET:latest")
      env+=(OPENSEARCH_URL="$OPENSEARCH_URL" OPENSEARCH_USERNAME="$OPENSEARCH_USERNAME" OPENSEARCH_INDEX=orders) ;;
    orders-api)
      # The one public service: every /orders route verifies its bearer JWT, /observe beyond health needs an
      # admin token, and it takes no events.
      args+=(--allow-unauthenticated --ingress=all --max-instances=10 --concurrency=80 --memory=384Mi --timeout=30
        --set-secrets=OPENSEARCH_PASSWORD="$OPENSEARCH_SECRET:latest")
      env+=(OUTBOX_TOPIC="$TOPIC" OPENSEARCH_URL="$OPENSEARCH_URL" OPENSEARCH_USERNAME="$OPENSEARCH_USERNAME"
        AUTH_JWKS_dash_URL=https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com
        AUTH_ISSUER="https://securetoken.google.com/$PROJECT" AUTH_AUDIENCE="$PROJECT"
        CORS_ALLOWED_dash_ORIGINS="$CORS_ORIGINS") ;;
    order-worker)
      args+=(--no-allow-unauthenticated --ingress=internal --max-instances=10 --concurrency=32 --memory=384Mi
        --timeout=60)
      env+=(OUTBOX_TOPIC="$TOPIC") ;;
    daily-report)
      args+=(--no-allow-unauthenticated --ingress=internal --max-instances=2 --concurrency=4 --memory=256Mi
        --timeout=600)
      env+=(BLOBSTORE_KIND=gcs REPORT_BUCKET="$REPORTS_BUCKET" REPORT_ZONE=UTC) ;;
    *) echo "no service $service" >&2; return 2 ;;
  esac
  if [[ -n $OTLP_ENDPOINT ]]; then
    # Spans (the services' own exporter) and metrics (Helidon's OTLP publisher, beside the Prometheus one).
    env+=(OTEL_EXPORTER_OTLP_ENDPOINT="$OTLP_ENDPOINT"
      SERVER_FEATURES_OBSERVE_OBSERVERS_METRICS_PUBLISHERS_PROMETHEUS_ENABLED=true
      SERVER_FEATURES_OBSERVE_OBSERVERS_METRICS_PUBLISHERS_OTLP_URL="${OTLP_ENDPOINT%/}/v1/metrics")
  fi
  # Comma-separated values (several CORS origins) need gcloud's other delimiter: ^|^NAME=a,b|NAME=c.
  local joined delimiter=,
  [[ "${env[*]}" != *,* ]] || delimiter='|'
  joined=$(IFS=$delimiter; echo "${env[*]}")
  [[ $delimiter == , ]] || joined="^|^$joined"
  run gcloud run deploy "$service" "${args[@]}" --set-env-vars="$joined"
}

invoker() { # SERVICE ACCOUNT
  run gcloud run services add-iam-policy-binding "$1" --project="$PROJECT" --region="$REGION" \
    --member="$(member "$2")" --role=roles/run.invoker
}

# An Eventarc trigger to a Cloud Run service (created, or updated to these arguments), then its subscription's
# dead-letter policy.
run_trigger() { # NAME SERVICE ATTEMPTS ARGS...
  local name=$1 service=$2 attempts=$3
  shift 3
  local args=(--project="$PROJECT" --location="$REGION" --destination-run-service="$service"
    --destination-run-region="$REGION" --service-account="$(sa "$DELIVERY_SA")" "$@")
  if ((!DRY_RUN)) && gcloud eventarc triggers describe "$name" --project="$PROJECT" --location="$REGION" \
      >/dev/null 2>&1; then
    run gcloud eventarc triggers update "$name" "${args[@]}"
  else
    run gcloud eventarc triggers create "$name" "${args[@]}"
  fi
  dead_letter_policy "$name" "$attempts"
}

dead_letter_policy() { # TRIGGER ATTEMPTS
  run gcloud pubsub subscriptions update "$(trigger_subscription "$1")" --project="$PROJECT" \
    --dead-letter-topic="$DEAD_LETTER_TOPIC" --max-delivery-attempts="$2" --min-retry-delay=10s \
    --max-retry-delay=600s
}

scheduler_job() { # NAME SERVICE SCHEDULE BODY [ARGS...]
  local name=$1 service=$2 schedule=$3 body=$4 url
  shift 4
  url=$(service_url "$service")
  local args=(--project="$PROJECT" --location="$REGION" --schedule="$schedule" --time-zone=Etc/UTC --uri="$url/"
    --http-method=POST --headers=Content-Type=application/json --message-body="$body"
    --oidc-service-account-email="$(sa "$SCHEDULER_SA")" --oidc-token-audience="$url" "$@")
  if ((!DRY_RUN)) && gcloud scheduler jobs describe "$name" --project="$PROJECT" --location="$REGION" \
      >/dev/null 2>&1; then
    run gcloud scheduler jobs update http "$name" "${args[@]}"
  else
    run gcloud scheduler jobs create http "$name" "${args[@]}"
  fi
}

wire_one() {
  case $1 in
    dead-letters)
      invoker dead-letters "$DELIVERY_SA"
      local url
      url=$(service_url dead-letters)
      ensure gcloud pubsub subscriptions describe dead-letters-push --project="$PROJECT" -- \
        gcloud pubsub subscriptions create dead-letters-push --project="$PROJECT" --topic="$DEAD_LETTER_TOPIC" \
        --push-endpoint="$url/" --push-auth-service-account="$(sa "$DELIVERY_SA")" --push-auth-token-audience="$url" \
        --ack-deadline=60 --min-retry-delay=10s --max-retry-delay=600s ;;
    thumbnailer)
      invoker thumbnailer "$DELIVERY_SA"
      run_trigger thumbnailer-uploads thumbnailer 10 \
        --event-filters=type=google.cloud.storage.object.v1.finalized --event-filters=bucket="$UPLOADS_BUCKET" ;;
    search-indexer)
      invoker search-indexer "$DELIVERY_SA"
      run_trigger search-indexer-orders search-indexer 10 \
        --event-filters=type=google.cloud.firestore.document.v1.written --event-filters=database='(default)' \
        --event-filters-path-pattern=document='orders/{orderId}' --event-data-content-type=application/protobuf ;;
    order-worker)
      invoker order-worker "$DELIVERY_SA"
      invoker order-worker "$SCHEDULER_SA"
      run_trigger order-worker-actions order-worker 5 \
        --event-filters=type=google.cloud.pubsub.topic.v1.messagePublished \
        --transport-topic="projects/$PROJECT/topics/$TOPIC"
      # Hands on order actions whose direct publish failed; the worker is private, so the job proves itself with
      # an OIDC token of the scheduler account.
      scheduler_job outbox-flush order-worker "* * * * *" '{"job":"outbox-flush"}' ;;
    daily-report)
      invoker daily-report "$SCHEDULER_SA"
      scheduler_job daily-report daily-report "0 2 * * *" '{"job":"daily-report"}' --max-retry-attempts=5 \
        --min-backoff=60s ;;
    orders-api) ;;
    *) echo "no service $1" >&2; return 2 ;;
  esac
}

gke() {
  [[ -n $CLUSTER && -n $CLUSTER_LOCATION ]] || { echo "gke needs --cluster and --cluster-location" >&2; exit 2; }
  local service
  for service in "${SERVICES[@]}"; do
    run gcloud iam service-accounts add-iam-policy-binding "$(sa "$service")" --project="$PROJECT" \
      --member="serviceAccount:$PROJECT.svc.id.goog[$NAMESPACE/$service]" --role=roles/iam.workloadIdentityUser
  done
  # Eventarc's forwarder in the cluster pulls as event-delivery and posts to the services' cluster-local addresses.
  run gcloud eventarc gke-destinations init --project="$PROJECT" --quiet
  grant_project "$DELIVERY_SA" roles/pubsub.subscriber
  grant_project "$DELIVERY_SA" roles/monitoring.metricWriter
  local gke=(--destination-gke-cluster="$CLUSTER" --destination-gke-location="$CLUSTER_LOCATION"
    --destination-gke-namespace="$NAMESPACE" --destination-gke-path=/)
  gke_trigger thumbnailer-uploads-gke 10 "${gke[@]}" --destination-gke-service=thumbnailer \
    --event-filters=type=google.cloud.storage.object.v1.finalized --event-filters=bucket="$UPLOADS_BUCKET"
  gke_trigger search-indexer-orders-gke 10 "${gke[@]}" --destination-gke-service=search-indexer \
    --event-filters=type=google.cloud.firestore.document.v1.written --event-filters=database='(default)' \
    --event-filters-path-pattern=document='orders/{orderId}' --event-data-content-type=application/protobuf
  gke_trigger order-worker-actions-gke 5 "${gke[@]}" --destination-gke-service=order-worker \
    --event-filters=type=google.cloud.pubsub.topic.v1.messagePublished \
    --transport-topic="projects/$PROJECT/topics/$TOPIC"
  # What exhausted its attempts reaches the cluster's dead-letter sink through Eventarc too (a push subscription
  # cannot reach a cluster-local service).
  gke_trigger dead-letters-gke 0 "${gke[@]}" --destination-gke-service=dead-letters \
    --event-filters=type=google.cloud.pubsub.topic.v1.messagePublished \
    --transport-topic="projects/$PROJECT/topics/$DEAD_LETTER_TOPIC"
}

gke_trigger() { # NAME ATTEMPTS ARGS... (0 attempts: no dead-letter policy)
  local name=$1 attempts=$2
  shift 2
  local args=(--project="$PROJECT" --location="$REGION" --service-account="$(sa "$DELIVERY_SA")" "$@")
  if ((!DRY_RUN)) && gcloud eventarc triggers describe "$name" --project="$PROJECT" --location="$REGION" \
      >/dev/null 2>&1; then
    run gcloud eventarc triggers update "$name" "${args[@]}"
  else
    run gcloud eventarc triggers create "$name" "${args[@]}"
  fi
  if ((attempts > 0)); then
    dead_letter_policy "$name" "$attempts"
  fi
}

# The alert policies and dashboard of gcp/monitoring/, by display name: one that exists is left as it is.
monitoring() {
  local dir file name channels=()
  dir="$(dirname "$0")/monitoring"
  [[ -z $NOTIFICATION_CHANNEL ]] || channels=(--notification-channels="$NOTIFICATION_CHANNEL")
  for file in "$dir"/alert-*.json; do
    name=$(sed -n 's/^  "displayName": "\(.*\)",$/\1/p' "$file")
    if ((!DRY_RUN)) && [[ -n $(gcloud alpha monitoring policies list --project="$PROJECT" \
        --filter="displayName=\"$name\"" --format='value(name)') ]]; then
      echo "= exists: alert policy $name" >&2
      continue
    fi
    run gcloud alpha monitoring policies create --project="$PROJECT" --policy-from-file="$file" "${channels[@]}"
  done
  name=$(sed -n 's/^  "displayName": "\(.*\)",$/\1/p' "$dir/dashboard.json")
  if ((!DRY_RUN)) && [[ -n $(gcloud monitoring dashboards list --project="$PROJECT" \
      --filter="displayName=\"$name\"" --format='value(name)') ]]; then
    echo "= exists: dashboard $name" >&2
  else
    run gcloud monitoring dashboards create --project="$PROJECT" --config-from-file="$dir/dashboard.json"
  fi
}

each() { # FUNCTION [SERVICE]
  local fn=$1 service
  shift
  if (($#)); then
    "$fn" "$1"
  else
    for service in "${SERVICES[@]}"; do "$fn" "$service"; done
  fi
}

i=0
while ((i < ${#STEPS[@]})); do
  step=${STEPS[i]}
  next=${STEPS[i + 1]:-}
  target=()
  if [[ -n $next && " ${SERVICES[*]} " == *" $next "* ]]; then
    target=("$next")
    i=$((i + 1))
  fi
  case $step in
    foundation) foundation ;;
    deploy) each deploy_one "${target[@]}" ;;
    wire) each wire_one "${target[@]}" ;;
    gke) gke ;;
    monitoring) monitoring ;;
    all) foundation; each deploy_one; each wire_one ;;
    *) echo "unknown step $step" >&2; usage ;;
  esac
  i=$((i + 1))
done
