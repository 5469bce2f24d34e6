"""Wait until an Airflow answers healthy and has parsed every DAG file in its DAGs folder.

Usage: python dev/airflow/wait_ready.py [--timeout SECONDS] [--pid PID] [--api v2|v1]
Reads AIRDECK_AIRFLOW_URL/USERNAME/PASSWORD and AIRDECK_AIRFLOW_DAGS (dev/airflow/env.sh sets
them; dev/airflow2/start.sh passes its Airflow 2's under the same names with --api v1). Every .py
file under the folder (through links, as Airflow reads it) but the connector factory must be
the file of at least one parsed DAG. Prints a dot per poll; exits 0 when ready, 1 on timeout,
on an import error or when the process --pid has died. ``--api v1`` speaks Airflow 2's /api/v1
with basic auth.
Standard library only, so it runs on the Airflow venv's Python before the project venv exists.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any


def get_json(url: str, authorization: str | None = None) -> Any:
    """GET a JSON document; raises OSError (URLError/HTTPError) when Airflow can't answer."""
    headers = {"Authorization": authorization} if authorization else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5) as resp:
        return json.load(resp)


def fetch_token(base: str, username: str, password: str) -> str:
    body = json.dumps({"username": username, "password": password}).encode()
    request = urllib.request.Request(
        f"{base}/auth/token", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5) as resp:
        return str(json.load(resp)["access_token"])


def unhealthy_parts(base: str, api: str) -> list[str]:
    """Names of the components Airflow's health report does not call healthy. Airflow 2 reports
    a null status for a part it does not run apart (its DAG processor lives in the scheduler)."""
    if api == "v1":
        health, fine = get_json(f"{base}/api/v1/health"), {"healthy", None}
    else:
        health, fine = get_json(f"{base}/api/v2/monitor/health"), {"healthy"}
    return [name for name, part in health.items() if (part or {}).get("status") not in fine]


def authorization(base: str, api: str, username: str, password: str) -> str:
    """The Authorization header for the service account: basic auth on Airflow 2, a bearer
    token from /auth/token on Airflow 3."""
    if api == "v1":
        return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
    return f"Bearer {fetch_token(base, username, password)}"


BUILT_ON_DEMAND = frozenset({"airdeck_connectors.py"})
"""Files defining DAGs only when there is something to build: the connector factory defines one
per connector (ADR 0026), none before the first. Import errors are still waited out for them."""


def dag_files(folder: str) -> set[str]:
    """The names of the .py files under ``folder`` that must each define a DAG, following links
    as Airflow does."""
    return {
        name
        for _, _, names in os.walk(folder, followlinks=True)
        for name in names
        if name.endswith(".py") and name not in BUILT_ON_DEMAND
    }


def parsed_files(base: str, api: str, auth: str | None) -> tuple[set[str], int]:
    """The names of the files Airflow has parsed DAGs from, and how many DAGs it holds."""
    names: set[str] = set()
    offset, total = 0, 1
    while offset < total:
        page = get_json(f"{base}/api/{api}/dags?limit=100&offset={offset}", auth)
        total = int(page["total_entries"])
        names |= {Path(d["fileloc"]).name for d in page["dags"] if d.get("fileloc")}
        offset += len(page["dags"]) or total
    return names, total


def alive(pid: int | None) -> bool:
    if pid is None:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=float, default=180)
    parser.add_argument("--pid", type=int)
    parser.add_argument("--api", choices=("v2", "v1"), default="v2")
    args = parser.parse_args()
    base = os.environ["AIRDECK_AIRFLOW_URL"]
    expected = dag_files(os.environ["AIRDECK_AIRFLOW_DAGS"])
    started = time.monotonic()
    deadline = started + args.timeout
    server = "the webserver" if args.api == "v1" else "the api-server"
    phase, auth, waiting_for = "health", None, server

    def say(text: str) -> None:
        print(f"\n    {text} ({time.monotonic() - started:.0f}s)", end="", flush=True)

    print(f"    waiting for {server} ", end="", flush=True)
    while time.monotonic() < deadline:
        if not alive(args.pid):
            say("Airflow exited")
            print()
            return 1
        try:
            if phase == "health":
                bad = unhealthy_parts(base, args.api)
                if not bad:
                    say(f"healthy; waiting for its {len(expected)} DAG files to be parsed ")
                    phase = "dags"
                    auth = authorization(
                        base,
                        args.api,
                        os.environ["AIRDECK_AIRFLOW_USERNAME"],
                        os.environ["AIRDECK_AIRFLOW_PASSWORD"],
                    )
                    continue
                if waiting_for != ", ".join(bad):
                    waiting_for = ", ".join(bad)
                    say(f"up; waiting for {waiting_for} ")
            else:
                errors = get_json(f"{base}/api/{args.api}/importErrors?limit=100", auth)
                if errors["total_entries"]:
                    print()
                    for error in errors["import_errors"]:
                        print(f"import error in {error['filename']}:\n{error['stack_trace']}")
                    return 1
                files, total = parsed_files(base, args.api, auth)
                if not expected - files:
                    say(f"all {len(expected)} DAG files parsed ({total} DAGs)")
                    print()
                    return 0
        except urllib.error.HTTPError as exc:
            if exc.code in (401, 403):
                say(
                    f"Airflow refused the service account ({exc.code}); "
                    "is another Airflow on this port?"
                )
                print()
                return 1
        except OSError:
            pass  # not listening yet
        print(".", end="", flush=True)
        time.sleep(1)
    say("gave up")
    print()
    return 1


if __name__ == "__main__":
    sys.exit(main())
