# The verbs people type. Everything runs without Docker; state lives in .airdeck/ (gitignored).
SHELL := /bin/bash
PY := .airdeck/venv/bin/python
.DEFAULT_GOAL := help

.PHONY: help install demo stop test lint bench api web db-upgrade airflow-install airflow-start airflow-stop \
	airflow2-install airflow2-start airflow2-stop constraints

help: ## list the verbs
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

install: ## install the project's Python packages into .airdeck/venv
	@dev/install.sh

# AIRDECK_DEMO_AIRFLOW2=1 make demo: an Airflow 2 beside it too, as a second deployment.
demo: ## bring up the whole product: real Airflow with example DAGs, the API and the web UI
	@dev/demo.sh

stop: ## stop everything `make demo` started
	@dev/stop.sh

test: ## install and start what the tests need, then run the whole suite
	@dev/test.sh

lint: install ## ruff and mypy --strict
	$(PY) -m ruff check packages services tests dev examples
	$(PY) -m ruff format --check packages services tests
	$(PY) -m mypy --strict packages/domain/src packages/adapters/src services/api/src \
		services/web/airdeck_web services/web/rxconfig.py

bench: install ## benchmarks: domain timings and API vs direct Airflow calls
	@dev/bench.sh

api: install ## run the API in the foreground (AIRDECK_* variables, else the demo's)
	@dev/api.sh

web: install ## run the web UI in the foreground against AIRDECK_API_URL
	@dev/web/install.sh
	@dev/web/run.sh

db-upgrade: install ## apply the product DB migrations to AIRDECK_DATABASE_URL
	@dev/api.sh db upgrade

airflow-install: ## install Airflow into its own venv
	@dev/airflow/install.sh

airflow-start: ## start the demo Airflow on 127.0.0.1:8080
	@dev/airflow/start.sh

airflow-stop: ## stop the demo Airflow
	@dev/airflow/stop.sh

airflow2-install: ## install Airflow 2 into its own venv
	@dev/airflow2/install.sh

airflow2-start: ## start the demo Airflow 2 on 127.0.0.1:8180
	@dev/airflow2/start.sh

airflow2-stop: ## stop the demo Airflow 2
	@dev/airflow2/stop.sh

constraints: ## re-pin constraints.txt from the project venv
	@{ echo "# Pinned versions of every Python package the project venv installs (pip install -c constraints.txt)."; \
	   echo "# Regenerate: make constraints"; \
	   $(PY) -m pip freeze --exclude-editable | grep -v '^-e\|^airdeck'; } > constraints.txt
