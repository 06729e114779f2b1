# Cirrus: `make run` serves a whole instance on 127.0.0.1; `make test` runs every check.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEPS_STAMP := $(VENV)/.deps-installed
WEB_DEPS_STAMP := web/node_modules/.deps-installed
WEB_BUILD := web/dist/index.html
WEB_SOURCES := $(shell find web/src web/index.html web/public web/vite.config.ts web/tsconfig.json -type f 2>/dev/null)
CDK_CLI := infra/node_modules/.bin/cdk
TEST_TOOLS_STAMP := tests/tools/node_modules/.deps-installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint typecheck unit web-test web-browser-test system-deps browser-deps bench clean package deploy-web tracker-image live-image import-image

run: $(DEPS_STAMP) system-deps $(WEB_BUILD)
	$(PY) -m local

test: $(DEPS_STAMP) $(WEB_BUILD) $(CDK_CLI) $(TEST_TOOLS_STAMP) system-deps lint typecheck
	$(PY) -m pytest -n auto --maxprocesses=4 --dist loadgroup --durations=30
	cd web && npm test
	$(MAKE) web-browser-test

# The browser journey (sign up ... subscribe) in Debian's chromium against a local stack.
web-browser-test: $(DEPS_STAMP) $(WEB_BUILD) system-deps browser-deps
	cd web && CIRRUS_PYTHON=$(abspath $(PY)) npx playwright test

lint: $(DEPS_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(DEPS_STAMP)
	$(VENV)/bin/mypy

bench: $(DEPS_STAMP)
	$(PY) bench/coldstart.py

# Python: one virtual environment for the local stack, the tests and the tools.
$(DEPS_STAMP): requirements.txt layers/federation/requirements.txt layers/work/requirements.txt layers/images/requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Debian packages the instance needs at run time (ffmpeg for transcoding).
system-deps:
	@command -v ffmpeg >/dev/null 2>&1 || { \
		echo "Installing ffmpeg from Debian's packages"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq ffmpeg; }

# Chromium for the browser tests only (Playwright drives it; it downloads no browser of its own).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing chromium from Debian's packages"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

# The single-page app, built to web/dist (served at / by the local gateway).
$(WEB_DEPS_STAMP): web/package.json web/package-lock.json
	cd web && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
	touch $@

$(WEB_BUILD): $(WEB_DEPS_STAMP) $(WEB_SOURCES)
	cd web && npm run build

# The CDK CLI (pinned 2.x in infra/package.json): tests/infra/test_cdk.py synthesises the CDK
# app with it, and `cd infra && npx cdk deploy` deploys it. Only the test target needs it.
$(CDK_CLI): infra/package.json infra/package-lock.json
	cd infra && npm ci --no-audit --no-fund
	touch $@

# Clients the tests run against a local stack (tests/tools/package.json): PeerTube's CLI
# (tests/e2e/test_peertube_cli.py) and create-torrent, the torrent maker PeerTube uses.
$(TEST_TOOLS_STAMP): tests/tools/package.json tests/tools/package-lock.json
	cd tests/tools && npm ci --no-audit --no-fund
	touch $@

# Deploying (infra/README.md): the artifacts template.yaml and the CDK app name, the web
# client into a deployed stack (`make deploy-web STACK=cirrus`), the tracker's, the live
# ingest's and the import task's images to ECR.
package: $(DEPS_STAMP)
	$(PY) infra/package.py

deploy-web: $(WEB_BUILD)
	infra/deploy_web.sh $(STACK)

tracker-image:
	infra/service_image.sh tracker

live-image:
	infra/service_image.sh live

import-image:
	infra/service_image.sh imports

clean:
	rm -rf $(VENV) build web/node_modules web/dist infra/node_modules infra/cdk.out tests/tools/node_modules web/test-output .pytest_cache .mypy_cache .ruff_cache
