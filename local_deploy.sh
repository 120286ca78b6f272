#!/usr/bin/env bash
# Deploys Bridgeport into one AWS account and region for one environment.
#   ./local_deploy.sh <environment> [--dry-run]
set -euo pipefail

usage() { echo "usage: $0 <environment> [--dry-run]" >&2; exit 64; }
[ $# -ge 1 ] || usage
ENVIRONMENT="$1"; shift
DRY_RUN=false
for arg in "$@"; do
  case "$arg" in
    --dry-run) DRY_RUN=true ;;
    *) usage ;;
  esac
done
[[ "$ENVIRONMENT" =~ ^[a-z][a-z0-9-]{0,15}$ ]] || { echo "environment must match ^[a-z][a-z0-9-]{0,15}$" >&2; exit 64; }

missing=()
for tool in node pnpm; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ "$DRY_RUN" = false ]; then
  for tool in aws sam; do command -v "$tool" >/dev/null || missing+=("$tool"); done
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "missing prerequisites: ${missing[*]}" >&2
  exit 69
fi

echo "Bridgeport deployment of '$ENVIRONMENT' (dry run: $DRY_RUN)"
if [ "$DRY_RUN" = true ]; then
  echo "nothing to synthesize yet: the shared stacks are not part of this version"
  exit 0
fi
sam build
sam deploy --config-env "$([ "$ENVIRONMENT" = prod ] && echo prod || echo default)" \
  --stack-name "$ENVIRONMENT-self-service-portal" \
  --parameter-overrides "Environment=$ENVIRONMENT" --no-fail-on-empty-changeset
