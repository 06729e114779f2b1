#!/usr/bin/env bash
# Build the live ingest's image (functions/live/Dockerfile) and push it to an ECR repository
# of the current account and region: `infra/live_image.sh [REPOSITORY]` (default
# cirrus-live). Prints the image URI to pass as the stack's LiveImage parameter; the tag is
# the commit, so a new image is a new task definition and a rolling deployment.
set -euo pipefail
repository=${1:-cirrus-live}
cd "$(dirname "$0")/.."

account=$(aws sts get-caller-identity --query Account --output text)
region=$(aws configure get region || true)
region=${AWS_REGION:-${region:-us-east-1}}
registry="$account.dkr.ecr.$region.amazonaws.com"
# What the Dockerfile copies: a change there outside a commit gets a tag of its own.
tag=$(git rev-parse --short=12 HEAD)$(git diff --quiet HEAD -- functions/live chalicelib/media || echo "-dirty-$(date +%s)")

aws ecr describe-repositories --repository-names "$repository" > /dev/null 2>&1 ||
  aws ecr create-repository --repository-name "$repository" \
    --image-scanning-configuration scanOnPush=true --image-tag-mutability IMMUTABLE > /dev/null
aws ecr get-login-password | docker login --username AWS --password-stdin "$registry" > /dev/null
# Fargate runs the task as x86_64 (template.yaml: RuntimePlatform).
docker build --platform linux/amd64 -f functions/live/Dockerfile -t "$registry/$repository:$tag" . >&2
docker push "$registry/$repository:$tag" >&2
echo "$registry/$repository:$tag"
