#!/usr/bin/env bash
# Put the built web client (web/dist) in a deployed stack's web bucket, then let CloudFront
# fetch the new shell: `infra/deploy_web.sh STACK_NAME` (or `make deploy-web STACK=...`).
# Needs the AWS CLI with credentials for the stack's account and region.
set -euo pipefail
stack=${1:?usage: infra/deploy_web.sh STACK_NAME}
cd "$(dirname "$0")/.."

output() {
  aws cloudformation describe-stacks --stack-name "$stack" \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}
bucket=$(output WebBucketName)
distribution=$(output DistributionId)
test -f web/dist/index.html || { echo "web/dist is not built: make web/dist/index.html" >&2; exit 1; }

# Vite names what it emits under assets/ by content hash: such a name never changes meaning,
# so browsers and CloudFront keep it a year. Assets go first, so a new shell never names a
# file that is not there yet; --delete comes last, once nothing still names the old ones.
aws s3 sync web/dist/assets "s3://$bucket/assets" --cache-control "public, max-age=31536000, immutable"
aws s3 sync web/dist "s3://$bucket" --exclude "assets/*" --exclude index.html --cache-control "public, max-age=300"
# The shell names the current assets: revalidated on every load.
aws s3 cp web/dist/index.html "s3://$bucket/index.html" --cache-control "no-cache"
aws s3 sync web/dist "s3://$bucket" --delete --exclude index.html --size-only > /dev/null
aws cloudfront create-invalidation --distribution-id "$distribution" --paths /index.html --query Invalidation.Id --output text
