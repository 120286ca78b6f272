#!/usr/bin/env bash
# Deploys Bridgeport into one AWS account and region for one environment, in one go.
#   ./local_deploy.sh <environment> [--dry-run] [--confirm]
#
# Steps, in order: CDK bootstraps → schema backup bucket → component configuration buckets and pipeline →
# generators bundle (the pipeline's source) → broker API and bus → self-service portal → web portal.
# --dry-run needs no AWS account: it synthesizes every stack and lints the templates (cfn-lint, when on PATH).
# --confirm shows the portal's change set and asks before applying it (every environment, prod included, is
# otherwise deployed without a prompt). Every step is idempotent: a second run changes nothing.
# BRIDGEPORT_ALLOWED_CONSUMER_TARGETS (comma-separated Lambda/SQS ARNs, a trailing * for a prefix) lists the
# targets of this account subscriptions may have; unset or empty allows none.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
INFRA="$ROOT/packages/infrastructure"
ENVIRONMENT_PATTERN='^[a-z][a-z0-9-]{0,19}$' # core's ENVIRONMENT_PATTERN
MIN_NODE_MAJOR=22
# Templates of aws-cdk-lib v2 check for bootstrap version 6 or later; the generators' bootstrap is made by this
# script with the bundled CDK CLI, so it is always current.
MIN_BOOTSTRAP_VERSION=6
DEFAULT_QUALIFIER=hnb659fds
USAGE="usage: $0 <environment> [--dry-run] [--confirm]"

usage() { echo "$USAGE" >&2; exit 64; }
help() { echo "$USAGE"; sed -n '5,11s/^# //p' "$0"; exit 0; }
fail() { echo "error: $*" >&2; exit 1; }
missing() { echo "missing prerequisites: $*" >&2; exit 69; }

case "${1:-}" in -h | --help) help ;; -*) usage ;; esac
[ $# -ge 1 ] || usage
ENVIRONMENT="$1"; shift
DRY_RUN=false
CONFIRM=false
for arg in "$@"; do
  case "$arg" in
    --dry-run) DRY_RUN=true ;;
    --confirm) CONFIRM=true ;;
    -h | --help) help ;;
    *) usage ;;
  esac
done
[[ "$ENVIRONMENT" =~ $ENVIRONMENT_PATTERN ]] || { echo "environment must match $ENVIRONMENT_PATTERN" >&2; exit 64; }
[ "$DRY_RUN" = false ] || [ "$CONFIRM" = false ] || { echo "--confirm has no meaning with --dry-run" >&2; exit 64; }
ALLOWED_CONSUMER_TARGETS="${BRIDGEPORT_ALLOWED_CONSUMER_TARGETS:-}"

# ---- prerequisites ---------------------------------------------------------------------------------------
need=()
for tool in node pnpm git; do command -v "$tool" >/dev/null 2>&1 || need+=("$tool"); done
if [ "$DRY_RUN" = false ]; then
  # make: sam build bundles the portal's functions through the Makefile; zip: the generators bundle.
  for tool in aws sam make zip; do command -v "$tool" >/dev/null 2>&1 || need+=("$tool"); done
fi
[ ${#need[@]} -eq 0 ] || missing "${need[*]}"
git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1 \
  || missing "a git checkout ($ROOT is not one: the pipeline's bundle is identified by its commit)"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge "$MIN_NODE_MAJOR" ] || missing "node >= $MIN_NODE_MAJOR (found $(node -v))"
if [ ! -x "$INFRA/node_modules/.bin/cdk" ] || [ ! -x "$ROOT/node_modules/.bin/tsx" ]; then
  missing "workspace dependencies (run: pnpm install)"
fi

STEP=0
TOTAL=0
step() { STEP=$((STEP + 1)); echo; echo "==> [$STEP/$TOTAL] $*"; }
note() { echo "    $*"; }
tsx() { "$ROOT/node_modules/.bin/tsx" "$@"; }
cdk() { (cd "$INFRA" && pnpm exec cdk "$@"); }
# Resource names come from core (packages/infrastructure/bin/names.ts prints them as KEY=value lines).
NAMES=""
load_names() { NAMES="$(tsx "$INFRA/bin/names.ts" "$@")" || fail "cannot work out the resource names of '$ENVIRONMENT'"; }
name() { printf '%s\n' "$NAMES" | sed -n "s/^$1=//p"; }

# ---- dry run ---------------------------------------------------------------------------------------------
if [ "$DRY_RUN" = true ]; then
  echo "Bridgeport dry run of '$ENVIRONMENT': synthesize and lint, no AWS account needed"
  CFN_LINT=true
  command -v cfn-lint >/dev/null 2>&1 || CFN_LINT=false
  [ "$CFN_LINT" = true ] || echo "cfn-lint is not on PATH: templates are synthesized but NOT linted (pip install cfn-lint)"
  OUT="$INFRA/cdk.out/$ENVIRONMENT"
  lint() {
    # cfn-lint exit codes are bit flags: 2 errors, 4 warnings, 8 informational. Only errors fail the run.
    # W3005 (a DependsOn also implied by a reference) is how CDK writes templates, not a defect.
    [ "$CFN_LINT" = true ] || { note "not linted: $*"; return 0; }
    local status=0
    cfn-lint --ignore-checks W3005 -- "$@" || status=$?
    if [ $((status & 2)) -ne 0 ]; then fail "cfn-lint found errors in $*"; fi
    note "linted: $* (no errors)"
  }
  TOTAL=5
  step "synthesizing the shared stacks (cdk synth of packages/infrastructure)"
  (cd "$INFRA" && pnpm run --silent synth "$ENVIRONMENT")
  load_names "$ENVIRONMENT" "${CDK_DEFAULT_ACCOUNT:-000000000000}" "${CDK_DEFAULT_REGION:-${AWS_REGION:-us-east-1}}"
  step "schema backup bucket: $(name SCHEMAS_BACKUP_STACK)"
  lint "$OUT/$(name SCHEMAS_BACKUP_STACK).template.json"
  step "component configuration buckets and pipeline: $(name COMPONENTS_STORAGE_STACK)"
  lint "$OUT/$(name COMPONENTS_STORAGE_STACK).template.json"
  step "broker API and bus: $(name BUS_STACK), $(name BROKER_API_STACK)"
  lint "$OUT/$(name BUS_STACK).template.json" "$OUT/$(name BROKER_API_STACK).template.json"
  step "self-service portal: $ROOT/template.yaml (sam build and sam deploy are skipped in a dry run)"
  lint "$ROOT/template.yaml"
  echo
  echo "Dry run of '$ENVIRONMENT' complete: templates in $OUT and $ROOT/template.yaml"
  exit 0
fi

# ---- AWS account -----------------------------------------------------------------------------------------
ACCOUNT="$(aws sts get-caller-identity --query Account --output text 2>/dev/null)" \
  || missing "AWS credentials (aws sts get-caller-identity failed; configure a profile or AWS_PROFILE)"
REGION="${AWS_REGION:-${AWS_DEFAULT_REGION:-$(aws configure get region 2>/dev/null || true)}}"
[ -n "$REGION" ] || missing "AWS region (set AWS_REGION or aws configure set region)"
bootstrap_version() {
  aws ssm get-parameter --region "$REGION" --name "/cdk-bootstrap/$1/version" \
    --query Parameter.Value --output text 2>/dev/null || true
}
DEFAULT_BOOTSTRAP="$(bootstrap_version "$DEFAULT_QUALIFIER")"
[ -n "$DEFAULT_BOOTSTRAP" ] && [ "$DEFAULT_BOOTSTRAP" != None ] \
  || missing "CDK bootstrap of aws://$ACCOUNT/$REGION (run: pnpm --filter @bridgeport/infrastructure exec cdk bootstrap aws://$ACCOUNT/$REGION)"
[[ "$DEFAULT_BOOTSTRAP" =~ ^[0-9]+$ ]] && [ "$DEFAULT_BOOTSTRAP" -ge "$MIN_BOOTSTRAP_VERSION" ] \
  || missing "CDK bootstrap version >= $MIN_BOOTSTRAP_VERSION in aws://$ACCOUNT/$REGION (found $DEFAULT_BOOTSTRAP; run: pnpm --filter @bridgeport/infrastructure exec cdk bootstrap aws://$ACCOUNT/$REGION)"

load_names "$ENVIRONMENT" "$ACCOUNT" "$REGION"
TOTAL=7
echo "Bridgeport deployment of '$ENVIRONMENT' to account $ACCOUNT, region $REGION ($TOTAL steps)"
export CDK_DISABLE_CLI_TELEMETRY=true
# AWS::ApiGateway::Account (API Gateway's CloudWatch role) is one per account and region: this environment's broker
# API stack manages it unless another stack of the region already set the role.
API_GATEWAY_ACCOUNT=create
GATEWAY_ROLE="$(aws apigateway get-account --region "$REGION" --query cloudwatchRoleArn --output text 2>/dev/null || true)"
if [ -n "$GATEWAY_ROLE" ] && [ "$GATEWAY_ROLE" != None ]; then
  OWNED="$(aws cloudformation describe-stack-resources --region "$REGION" --stack-name "$(name BROKER_API_STACK)" \
    --query "length(StackResources[?ResourceType=='AWS::ApiGateway::Account'])" --output text 2>/dev/null || true)"
  [ -n "$OWNED" ] && [ "$OWNED" != 0 ] || API_GATEWAY_ACCOUNT=existing
fi
CONTEXT=(-c "environment=$ENVIRONMENT" -c "account=$ACCOUNT" -c "region=$REGION" -c "apiGatewayAccount=$API_GATEWAY_ACCOUNT")
deploy_stack() {
  cdk deploy --exclusively --require-approval never --no-notices --no-version-reporting "${CONTEXT[@]}" "$@"
}
output_of() {
  aws cloudformation describe-stacks --region "$REGION" --stack-name "$1" \
    --query "Stacks[0].Outputs[?OutputKey=='$2'].OutputValue" --output text
}
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

step "CDK bootstraps: $DEFAULT_QUALIFIER (version $DEFAULT_BOOTSTRAP) for the shared stacks, $(name CDK_QUALIFIER) for generated stacks"
# The pipeline deploys generated stacks with a bootstrap of their own, whose CloudFormation execution policy
# allows only what the generators create (packages/infrastructure/src/kit/execution-policy.ts).
POLICY_ARN="arn:aws:iam::$ACCOUNT:policy/$(name CDK_EXECUTION_POLICY)"
tsx "$INFRA/bin/execution-policy.ts" "$ACCOUNT" "$REGION" >"$WORK/execution-policy.json"
CURRENT_VERSION="$(aws iam get-policy --policy-arn "$POLICY_ARN" --query Policy.DefaultVersionId --output text 2>/dev/null || true)"
if [ -z "$CURRENT_VERSION" ] || [ "$CURRENT_VERSION" = None ]; then
  aws iam create-policy --policy-name "$(name CDK_EXECUTION_POLICY)" \
    --description "CloudFormation execution policy of Bridgeport's generated stacks ($REGION)" \
    --policy-document "file://$WORK/execution-policy.json" >/dev/null
  note "created the execution policy $POLICY_ARN"
else
  aws iam get-policy-version --policy-arn "$POLICY_ARN" --version-id "$CURRENT_VERSION" \
    --query PolicyVersion.Document --output json >"$WORK/current-policy.json"
  if node -e 'const [a, b] = process.argv.slice(1).map((f) => JSON.stringify(JSON.parse(require("fs").readFileSync(f, "utf8"))));
      process.exit(a === b ? 0 : 1)' "$WORK/execution-policy.json" "$WORK/current-policy.json"; then
    note "the execution policy $POLICY_ARN is up to date"
  else
    # A managed policy keeps 5 versions: the oldest one that is not the default makes room.
    OLDEST="$(aws iam list-policy-versions --policy-arn "$POLICY_ARN" \
      --query 'Versions[?!IsDefaultVersion] | sort_by(@, &CreateDate)[0].VersionId' --output text 2>/dev/null || true)"
    COUNT="$(aws iam list-policy-versions --policy-arn "$POLICY_ARN" --query 'length(Versions)' --output text)"
    if [ "${COUNT:-0}" -ge 5 ] && [ -n "$OLDEST" ] && [ "$OLDEST" != None ]; then
      aws iam delete-policy-version --policy-arn "$POLICY_ARN" --version-id "$OLDEST"
    fi
    aws iam create-policy-version --policy-arn "$POLICY_ARN" --set-as-default \
      --policy-document "file://$WORK/execution-policy.json" >/dev/null
    note "updated the execution policy $POLICY_ARN"
  fi
fi
cdk bootstrap "aws://$ACCOUNT/$REGION" --qualifier "$(name CDK_QUALIFIER)" \
  --toolkit-stack-name "$(name CDK_TOOLKIT_STACK)" --cloudformation-execution-policies "$POLICY_ARN" \
  --no-notices --no-version-reporting
GENERATOR_BOOTSTRAP="$(bootstrap_version "$(name CDK_QUALIFIER)")"
[[ "$GENERATOR_BOOTSTRAP" =~ ^[0-9]+$ ]] && [ "$GENERATOR_BOOTSTRAP" -ge "$MIN_BOOTSTRAP_VERSION" ] \
  || fail "the bootstrap $(name CDK_TOOLKIT_STACK) reports version '$GENERATOR_BOOTSTRAP', expected >= $MIN_BOOTSTRAP_VERSION"
note "$(name CDK_TOOLKIT_STACK) is at bootstrap version $GENERATOR_BOOTSTRAP"

step "schema backup bucket: $(name SCHEMAS_BACKUP_STACK)"
deploy_stack "$(name SCHEMAS_BACKUP_STACK)"

step "component configuration buckets and pipeline: $(name COMPONENTS_STORAGE_STACK)"
deploy_stack -c "allowedConsumerTargets=$ALLOWED_CONSUMER_TARGETS" "$(name COMPONENTS_STORAGE_STACK)"

step "generators bundle: the pipeline's source (generator apps, prebuilt handlers, the CDK CLI)"
SOURCE_BUCKET="$(output_of "$(name COMPONENTS_STORAGE_STACK)" DeploymentSourceBucketName)"
SOURCE_KEY="$(output_of "$(name COMPONENTS_STORAGE_STACK)" DeploymentSourceObjectKey)"
# The bundle is identified by the commit, plus a digest of the uncommitted changes when there are any.
BUNDLE_ID="$(git -C "$ROOT" rev-parse HEAD)"
if [ -n "$(git -C "$ROOT" status --porcelain)" ]; then
  BUNDLE_ID="$BUNDLE_ID+$( (git -C "$ROOT" diff HEAD; git -C "$ROOT" status --porcelain) | git hash-object --stdin | cut -c1-12)"
  note "uncommitted changes are part of this bundle ($BUNDLE_ID)"
fi
DEPLOYED_ID="$(aws s3api head-object --region "$REGION" --bucket "$SOURCE_BUCKET" --key "$SOURCE_KEY" \
  --query 'Metadata.commit' --output text 2>/dev/null || true)"
if [ "$DEPLOYED_ID" = "$BUNDLE_ID" ]; then
  note "s3://$SOURCE_BUCKET/$SOURCE_KEY is up to date ($BUNDLE_ID)"
else
  (cd "$INFRA" && pnpm run --silent generators-bundle "$WORK/bundle")
  (cd "$WORK/bundle" && zip -qr "$WORK/bundle.zip" .)
  aws s3 cp --region "$REGION" --metadata "commit=$BUNDLE_ID" "$WORK/bundle.zip" "s3://$SOURCE_BUCKET/$SOURCE_KEY"
fi

step "broker API and bus: $(name BUS_STACK), $(name BROKER_API_STACK)"
deploy_stack "$(name BUS_STACK)" "$(name BROKER_API_STACK)"

step "self-service portal: $(name PORTAL_STACK)"
CONFIG_ENV=default
[ "$ENVIRONMENT" = prod ] && CONFIG_ENV=prod
CHANGESET=--no-confirm-changeset
[ "$CONFIRM" = true ] && CHANGESET=--confirm-changeset
# The user pool's hosted UI sends the browser back to the web portal: its URL, once the web portal exists.
present() { [ -n "$1" ] && [ "$1" != None ]; }
WEB_URL="$(output_of "$(name WEB_PORTAL_STACK)" WebPortalUrl 2>/dev/null || true)"
CALLBACK=""
present "$WEB_URL" && CALLBACK="$WEB_URL/"
deploy_portal() {
  (
    cd "$ROOT"
    sam build --config-env "$CONFIG_ENV"
    sam deploy --config-env "$CONFIG_ENV" \
      --stack-name "$(name PORTAL_STACK)" \
      --region "$REGION" \
      "$CHANGESET" \
      --parameter-overrides \
      "Environment=$ENVIRONMENT" \
      "SchemasBackupBucketName=$(name SCHEMAS_BACKUP_BUCKET)" \
      "PublisherComponentsBucketName=$(name PUBLISHER_BUCKET)" \
      "SubscriberComponentsBucketName=$(name SUBSCRIBER_BUCKET)" \
      "AllowedConsumerTargets=$ALLOWED_CONSUMER_TARGETS" \
      "WebPortalCallbackUrl=$CALLBACK" \
      --no-fail-on-empty-changeset
  )
}
deploy_portal
PORTAL_URL="$(output_of "$(name PORTAL_STACK)" PortalApiUrl)"
PORTAL_API_ID="$(output_of "$(name PORTAL_STACK)" PortalApiId)"
BROKER_API_ID="$(aws ssm get-parameter --region "$REGION" --name "$(name BROKER_API_ID_PARAMETER)" \
  --query Parameter.Value --output text)"
BROKER_URL="https://$BROKER_API_ID.execute-api.$REGION.amazonaws.com/$ENVIRONMENT"

step "web portal: $(name WEB_PORTAL_STACK)"
(cd "$ROOT" && pnpm --filter @bridgeport/web run --silent build)
deploy_web() {
  local sign_in=()
  local domain client
  domain="$(output_of "$(name PORTAL_STACK)" PortalUserPoolDomain 2>/dev/null || true)"
  client="$(output_of "$(name PORTAL_STACK)" PortalWebClientId 2>/dev/null || true)"
  if present "$domain" && present "$client"; then sign_in=(-c "cognitoDomain=$domain" -c "cognitoClientId=$client"); fi
  cdk deploy --require-approval never --no-notices --no-version-reporting \
    -a "node --import tsx bin/web-portal.ts" "${CONTEXT[@]}" \
    -c "portalApiDomain=$PORTAL_API_ID.execute-api.$REGION.amazonaws.com" -c "producerEndpointUrl=$BROKER_URL" \
    "${sign_in[@]}" "$(name WEB_PORTAL_STACK)"
}
deploy_web
WEB_URL="$(output_of "$(name WEB_PORTAL_STACK)" WebPortalUrl)"
if [ "$CALLBACK" != "$WEB_URL/" ]; then
  # First deployment of the web portal: the portal's web sign-in client can now name it, then the page its client.
  note "giving the portal's user pool the web portal's address $WEB_URL/ (hosted-UI sign-in)"
  CALLBACK="$WEB_URL/"
  deploy_portal
  deploy_web
fi

echo
echo "Bridgeport '$ENVIRONMENT' is deployed to account $ACCOUNT, region $REGION"
echo "  portal API: $PORTAL_URL"
echo "  broker API: $BROKER_URL   (producers POST /{event_type}/{version})"
echo "  web portal: $WEB_URL"
