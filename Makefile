# 社工人才学院 — two commands for a fresh clone: `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
PYTEST := $(PY) -m pytest
HOST ?= 127.0.0.1
PORT ?= 8000
APT_PACKAGES := chromium fonts-noto-cjk gettext postgresql libreoffice-calc-nogui poppler-utils faketime \
                redis-server nginx
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help install system-deps messages messages-update i18n-check lint check migrate demo serve \
        test test-sqlite test-pg test-browser test-clock bench screenshots clean \
        prod-up prod-down prod-smoke prod-upgrade

help:
	@echo "make demo   - install, migrate, load demo data, serve on http://$(HOST):$(PORT) with a django-q2 worker"
	@echo "make test   - install what is missing, then lint, checks, SQLite + PostgreSQL suites, browser tests"

$(VENV)/.installed: pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c requirements.lock -e ".[test]"
	@touch $@

install: $(VENV)/.installed

# Debian packages the tests need (browser, CJK fonts, gettext, PostgreSQL, xlsx rendering).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v soffice >/dev/null || missing="$$missing libreoffice-calc-nogui"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	command -v faketime >/dev/null || missing="$$missing faketime"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v nginx >/dev/null || missing="$$missing nginx"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

messages: install
	$(MANAGE) compilemessages -i $(VENV) -i var -v 0

# Regenerate the English catalogue from the source (then translate what is new),
# and the Chinese one from it.
messages-update: install
	$(MANAGE) makemessages -l en --no-location --no-obsolete -i $(VENV) -i var -i bench -v 0
	$(call zh_catalogue,$(ZH_PO))
	@msgattrib --untranslated --no-obsolete $(PO) | grep '^msgid' || echo "all strings translated"

# The Chinese catalogue is generated: the Wagtail strings its own catalogue
# lacks (locale/zh_Hans/wagtail.po, by hand), then every one of our strings,
# which are written in Chinese, translated to itself. Without an entry Django
# walks every app's catalogue before falling back to the source text; with one,
# a lookup is one dict hit, a fifth off rendering a Chinese page (ADR 0009).
ZH_PO := locale/zh_Hans/LC_MESSAGES/django.po
define zh_catalogue
	@msgfilter --keep-header -i $(PO) sed -e d | msgen - | sed '/^msgstr\[[1-9]\]/d' \
	  | msgcat --use-first locale/zh_Hans/wagtail.po - -o $(1)
endef

# Every string we mark for translation has an English translation, and the
# committed catalogue matches the source. Leaves the tree as it found it.
PO := locale/en/LC_MESSAGES/django.po
i18n-check: install
	@mkdir -p var && cp $(PO) var/django.po.orig
	@$(MANAGE) makemessages -l en --no-location --no-obsolete -i $(VENV) -i var -i bench -v 0
	@bad=$$(msgattrib --untranslated --no-obsolete $(PO) | grep '^msgid' ; msgattrib --only-fuzzy --no-obsolete $(PO) | grep '^msgid'); \
	stale=$$(diff <(grep -v POT-Creation-Date var/django.po.orig) <(grep -v POT-Creation-Date $(PO)) >/dev/null || echo yes); \
	cp var/django.po.orig $(PO); \
	if [ -n "$$bad" ]; then echo "locale/en: untranslated or fuzzy strings (run make messages-update, translate them):"; echo "$$bad"; exit 1; fi; \
	if [ -n "$$stale" ]; then echo "locale/en is out of date with the source: run make messages-update and commit it"; exit 1; fi
	$(call zh_catalogue,var/zh_Hans.po)
	@diff -q var/zh_Hans.po $(ZH_PO) >/dev/null || { echo "locale/zh_Hans is out of date: run make messages-update and commit it"; exit 1; }
	@echo "i18n: every string has an English translation"
	@$(MAKE) -s messages

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

check: install
	$(MANAGE) check --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=cms.settings.production \
	SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	ALLOWED_HOSTS=academy.example.org DATABASE_URL="sqlite:///$(CURDIR)/var/deploy-check.sqlite3" \
	$(MANAGE) check --deploy --fail-level WARNING

migrate: install messages
	$(MANAGE) migrate --noinput -v 0

demo: install
	@$(PY) -c "import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); \
	s.bind(('$(HOST)', $(PORT)))" 2>/dev/null || { echo "Port $(PORT) is in use: stop what runs there, or run: make demo PORT=8010"; exit 1; }
	@$(MAKE) -s migrate
	$(MANAGE) load_demo
	@echo ""
	@echo "  社工人才学院 running on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	@echo "  The django-q2 worker logs (and the e-mails it sends) go to var/qcluster.log. Stop with Ctrl-C."
	@exec $(MANAGE) serve_demo $(HOST):$(PORT) --qcluster-log var/qcluster.log

test-sqlite: install
	$(PYTEST) -m "not browser" -q -n 2

test-pg: install
	.ci/with-postgres.sh $(PYTEST) -m "not browser" -q -n 2

test-browser: install
	$(PYTEST) -m browser -q tests/browser

# The suite at other dates (libfaketime moves the clock of every process, xdist
# workers included; it ticks on from there): a leap day at 23:30 and the first minutes
# of a new year, both Asia/Shanghai (UTC+8). No test may depend on the day it runs.
CLOCK_DATES ?= 2028-02-29T15:30:00 2030-12-31T16:20:00
test-clock: install
	@for at in $(CLOCK_DATES); do \
	  echo "== suite with the clock at $$at UTC"; \
	  TZ=UTC faketime -f "@$${at/T/ }" $(PYTEST) -m "not browser" -q -n 2 || exit 1; \
	done


# The production stack on this machine (deploy/prod.sh; state, pids, logs and
# sockets under var/prod): PostgreSQL, Redis, gunicorn, django-q2, nginx on
# http://127.0.0.1:18180/. APP_WORKERS=N Q_WORKERS=M change the process counts.
prod-up: install messages
	deploy/prod.sh up

prod-down:
	deploy/prod.sh down

# A stack of its own (var/prod-smoke), the smoke test through nginx, and
# everything stopped and removed again, pass or fail.
# A database at the previous release (522f3ba: lms 0005, cms 0002) migrates on prod-up.
prod-upgrade: install messages
	deploy/upgrade_test.sh

prod-smoke: install messages
	deploy/smoke.sh

test: system-deps install i18n-check lint check test-sqlite test-pg test-browser test-clock \
      prod-smoke prod-upgrade
	@echo "make test: all steps passed"

bench: install
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf var/test*.sqlite3* var/screenshots
