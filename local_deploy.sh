#!/usr/bin/env bash
# Deploys Bridgeport into one AWS account and region for one environment.
#   ./local_deploy.sh <environment> [--dry-run]
#
# Steps, in order: schema backup bucket → component configuration buckets and pipeline → broker API and
# bus → self-service portal (sam build, sam deploy). Every step is idempotent: a second run changes nothing.
# --dry-run needs no AWS account: it synthesizes every stack and lints the templates (cfn-lint, when on PATH).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
INFRA="$ROOT/packages/infrastructure"
ENVIRONMENT_PATTERN='^[a-z][a-z0-9-]{0,19}$' # core's ENVIRONMENT_PATTERN
MIN_NODE_MAJOR=22

usage() { echo "usage: $0 <environment> [--dry-run]" >&2; exit 64; }
help() { echo "usage: $0 <environment> [--dry-run]"; sed -n '5,7s/^# //p' "$0"; exit 0; }
fail() { echo "error: $*" >&2; exit 1; }

case "${1:-}" in -h | --help) help ;; esac
[ $# -ge 1 ] || usage
ENVIRONMENT="$1"; shift
DRY_RUN=false
for arg in "$@"; do
  case "$arg" in
    --dry-run) DRY_RUN=true ;;
    -h | --help) help ;;
    *) usage ;;
  esac
done
[[ "$ENVIRONMENT" =~ $ENVIRONMENT_PATTERN ]] || { echo "environment must match $ENVIRONMENT_PATTERN" >&2; exit 64; }

# ---- prerequisites ---------------------------------------------------------------------------------------
missing=()
for tool in node pnpm; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if [ "$DRY_RUN" = false ]; then
  for tool in aws sam git; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "missing prerequisites: ${missing[*]}" >&2
  exit 69
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt "$MIN_NODE_MAJOR" ]; then
  echo "missing prerequisites: node >= $MIN_NODE_MAJOR (found $(node -v))" >&2
  exit 69
fi
if [ ! -x "$INFRA/node_modules/.bin/cdk" ] || [ ! -x "$ROOT/node_modules/.bin/tsx" ]; then
  echo "missing prerequisites: workspace dependencies (run: pnpm install)" >&2
  exit 69
fi

STEP=0
TOTAL=4
step() { STEP=$((STEP + 1)); echo; echo "==> [$STEP/$TOTAL] $*"; }
cdk() { (cd "$INFRA" && pnpm exec cdk "$@"); }
# Resource names come from core (packages/infrastructure/bin/names.ts prints them as KEY=value lines).
NAMES=""
load_names() { NAMES="$("$ROOT/node_modules/.bin/tsx" "$INFRA/bin/names.ts" "$@")" || fail "cannot work out the resource names of '$ENVIRONMENT'"; }
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
    [ "$CFN_LINT" = true ] || { echo "    not linted: $*"; return 0; }
    local status=0
    cfn-lint --ignore-checks W3005 -- "$@" || status=$?
    if [ $((status & 2)) -ne 0 ]; then fail "cfn-lint found errors in $*"; fi
    echo "    linted: $* (no errors)"
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
  || { echo "missing prerequisites: AWS credentials (aws sts get-caller-identity failed; configure a profile or AWS_PROFILE)" >&2; exit 69; }
REGION="${AWS_REGION:-${AWS_DEFAULT_REGION:-$(aws configure get region 2>/dev/null || true)}}"
[ -n "$REGION" ] || { echo "missing prerequisites: AWS region (set AWS_REGION or aws configure set region)" >&2; exit 69; }
aws cloudformation describe-stacks --stack-name CDKToolkit --region "$REGION" >/dev/null 2>&1 \
  || { echo "missing prerequisites: CDK bootstrap of aws://$ACCOUNT/$REGION (run: pnpm --filter @bridgeport/infrastructure exec cdk bootstrap aws://$ACCOUNT/$REGION)" >&2; exit 69; }

load_names "$ENVIRONMENT" "$ACCOUNT" "$REGION"

echo "Bridgeport deployment of '$ENVIRONMENT' to account $ACCOUNT, region $REGION"
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

step "schema backup bucket: $(name SCHEMAS_BACKUP_STACK)"
deploy_stack "$(name SCHEMAS_BACKUP_STACK)"

step "component configuration buckets and pipeline: $(name COMPONENTS_STORAGE_STACK)"
deploy_stack "$(name COMPONENTS_STORAGE_STACK)"
# The pipeline builds from a bundle of this repository's committed sources; it is uploaded only when it changed.
SOURCE_BUCKET="$(output_of "$(name COMPONENTS_STORAGE_STACK)" DeploymentSourceBucketName)"
SOURCE_KEY="$(output_of "$(name COMPONENTS_STORAGE_STACK)" DeploymentSourceObjectKey)"
COMMIT="$(git -C "$ROOT" rev-parse HEAD)"
[ -z "$(git -C "$ROOT" status --porcelain)" ] || echo "    note: uncommitted changes are not part of the pipeline's source bundle"
DEPLOYED_COMMIT="$(aws s3api head-object --region "$REGION" --bucket "$SOURCE_BUCKET" --key "$SOURCE_KEY" \
  --query 'Metadata.commit' --output text 2>/dev/null || true)"
if [ "$DEPLOYED_COMMIT" = "$COMMIT" ]; then
  echo "    source bundle s3://$SOURCE_BUCKET/$SOURCE_KEY is up to date ($COMMIT)"
else
  BUNDLE="$(mktemp -d)/source.zip"
  git -C "$ROOT" archive --format=zip -o "$BUNDLE" "$COMMIT"
  aws s3 cp --region "$REGION" --metadata "commit=$COMMIT" "$BUNDLE" "s3://$SOURCE_BUCKET/$SOURCE_KEY"
  rm -rf "$(dirname "$BUNDLE")"
fi

step "broker API and bus: $(name BUS_STACK), $(name BROKER_API_STACK)"
deploy_stack "$(name BUS_STACK)" "$(name BROKER_API_STACK)"

step "self-service portal: $(name PORTAL_STACK)"
CONFIG_ENV=default
[ "$ENVIRONMENT" = prod ] && CONFIG_ENV=prod
(
  cd "$ROOT"
  sam build --config-env "$CONFIG_ENV"
  sam deploy --config-env "$CONFIG_ENV" \
    --stack-name "$(name PORTAL_STACK)" \
    --region "$REGION" \
    --parameter-overrides \
    "Environment=$ENVIRONMENT" \
    "SchemasBackupBucketName=$(name SCHEMAS_BACKUP_BUCKET)" \
    "PublisherComponentsBucketName=$(name PUBLISHER_BUCKET)" \
    "SubscriberComponentsBucketName=$(name SUBSCRIBER_BUCKET)" \
    --no-fail-on-empty-changeset
)

echo
echo "Bridgeport '$ENVIRONMENT' is deployed to account $ACCOUNT, region $REGION"
