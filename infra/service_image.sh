#!/usr/bin/env bash
# Build a Fargate service's image (functions/<service>/Dockerfile: tracker, live or imports) and push
# it to an ECR repository of the current account and region:
#   infra/service_image.sh tracker|live|imports [REPOSITORY]      (default cirrus-<service>)
# Prints the image URI to pass as the stack's TrackerImage, LiveImage or ImportImage parameter; the tag is
# the commit, so a new image is a new task definition and a rolling deployment.
set -euo pipefail
service=${1:?usage: infra/service_image.sh tracker|live|imports [REPOSITORY]}
repository=${2:-cirrus-$service}
cd "$(dirname "$0")/.."

dockerfile=functions/$service/Dockerfile
[ -f "$dockerfile" ] || { echo "no $dockerfile (tracker, live or imports)" >&2; exit 2; }
# What the Dockerfile copies (every COPY's sources): a change there outside a commit gets a
# tag of its own.
mapfile -t sources < <(awk '/^COPY/ { for (i = 2; i < NF; i++) print $i }' "$dockerfile")

account=$(aws sts get-caller-identity --query Account --output text)
region=$(aws configure get region || true)
region=${AWS_REGION:-${region:-us-east-1}}
registry="$account.dkr.ecr.$region.amazonaws.com"
tag=$(git rev-parse --short=12 HEAD)$(git diff --quiet HEAD -- "${sources[@]}" || echo "-dirty-$(date +%s)")

aws ecr describe-repositories --repository-names "$repository" > /dev/null 2>&1 ||
  aws ecr create-repository --repository-name "$repository" \
    --image-scanning-configuration scanOnPush=true --image-tag-mutability IMMUTABLE > /dev/null
aws ecr get-login-password | docker login --username AWS --password-stdin "$registry" > /dev/null
# Fargate runs the task as x86_64 (template.yaml: RuntimePlatform).
docker build --platform linux/amd64 -f "$dockerfile" -t "$registry/$repository:$tag" . >&2
docker push "$registry/$repository:$tag" >&2
echo "$registry/$repository:$tag"
