"""The deployments file: every deployment in one TOML file, credentials by variable name only,
and every problem reported with the line it is on."""

from __future__ import annotations

from pathlib import Path

import pytest

from airdeck_api.deployments_file import read_deployments_file
from airdeck_api.settings import Settings, SettingsError

ENV = {
    "PROD_USER": "svc-prod",
    "PROD_PASSWORD": "s3cret-prod",
    "STAGING_USER": "svc-staging",
    "STAGING_PASSWORD": "s3cret-staging",
}
GOOD = """\
# Two deployments: the first is the default.
[deployments.prod]
name = "Production"
url = "https://airflow.example.com"
username_env = "PROD_USER"
password_env = "PROD_PASSWORD"
environment = "production"
color = "#C62828"

[deployments.staging]
url = "http://10.0.0.7:8080"
api_version = "v1"
username_env = "STAGING_USER"
password_env = "STAGING_PASSWORD"
timeout = 3.5
"""


def written(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "deployments.toml"
    path.write_text(text)
    return path


def problems_of(tmp_path: Path, text: str, env: dict[str, str] = ENV) -> list[str]:
    return read_deployments_file(written(tmp_path, text), env, 10.0).problems


def test_a_good_file_gives_every_deployment_in_order(tmp_path: Path) -> None:
    read = read_deployments_file(written(tmp_path, GOOD), ENV, 10.0)
    assert read.problems == []
    prod, staging = read.deployments
    assert (prod.name, prod.display_name, prod.url, prod.api_version) == (
        "prod",
        "Production",
        "https://airflow.example.com",
        "v2",
    )
    assert (prod.username, prod.password, prod.timeout) == ("svc-prod", "s3cret-prod", 10.0)
    assert (prod.environment, prod.color) == ("production", "#c62828")
    assert (staging.display_name, staging.api_version, staging.timeout) == ("staging", "v1", 3.5)
    assert (staging.environment, staging.color) == (None, None)
    assert "s3cret" not in repr(read.deployments)


def test_a_syntax_error_names_its_line_and_column(tmp_path: Path) -> None:
    broken = GOOD.replace('url = "http://10.0.0.7:8080"', "url = http://10.0.0.7:8080")
    (problem,) = problems_of(tmp_path, broken)
    assert problem.startswith(f"{tmp_path / 'deployments.toml'}, line 11, column 7: not valid TOML")


def test_a_table_given_twice_is_a_syntax_error_on_its_line(tmp_path: Path) -> None:
    (problem,) = problems_of(tmp_path, GOOD + '\n[deployments.prod]\nurl = "http://x"\n')
    assert ", line 17, column" in problem and "twice" in problem


@pytest.mark.parametrize(
    ("old", "new", "line", "says"),
    [
        ('password_env = "PROD_PASSWORD"', 'password = "hunter2"', 6, "never written in this file"),
        ('username_env = "PROD_USER"', 'username = "svc"', 5, "set username_env"),
        ('password_env = "PROD_PASSWORD"', 'password_env = "NOT_SET"', 6, "NOT_SET, which is not"),
        ('color = "#C62828"', 'color = "red"', 8, "hex colour"),
        ('url = "https://airflow.example.com"', 'url = "ftp://x"', 4, "http:// or https://"),
        ('api_version = "v1"', 'api_version = "v3"', 12, "'v1' or 'v2'"),
        ("timeout = 3.5", "timeout = -1", 15, "positive number of seconds"),
        ("timeout = 3.5", 'timeout = "soon"', 15, "positive number of seconds"),
        ('name = "Production"', 'nmae = "Production"', 3, "unknown key 'nmae'"),
        ('name = "Production"', "name = 3", 3, "non-empty string"),
        ('url = "https://airflow.example.com"\n', "", 2, "needs url"),
        ("[deployments.staging]", '[deployments."stag ing"]', 10, "letters, digits"),
    ],
)
def test_each_bad_value_names_its_line(
    tmp_path: Path, old: str, new: str, line: int, says: str
) -> None:
    assert old in GOOD
    (problem,) = problems_of(tmp_path, GOOD.replace(old, new, 1))
    assert f"deployments.toml, line {line}: " in problem and says in problem, problem


def test_an_inline_secret_never_reaches_the_message(tmp_path: Path) -> None:
    (problem,) = problems_of(
        tmp_path, GOOD.replace('password_env = "PROD_PASSWORD"', 'password = "hunter2"')
    )
    assert "hunter2" not in problem
    assert "deployments.prod.password" in problem and "password_env" in problem


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    bad = GOOD.replace('color = "#C62828"', 'color = "red"').replace(
        'api_version = "v1"', 'api_version = "2"'
    )
    problems = problems_of(tmp_path, bad)
    assert [p.split(": ")[0].rsplit(", ", 1)[1] for p in problems] == ["line 8", "line 12"]


def test_inline_tables_and_other_top_level_keys(tmp_path: Path) -> None:
    inline = (
        "title = 'ours'\n"
        "[deployments]\n"
        'dev = { url = "http://127.0.0.1:1", username_env = "PROD_USER", password = "x" }\n'
    )
    first, second = problems_of(tmp_path, inline)
    assert "line 1: unknown table or key 'title'" in first
    assert "line 3: deployments.dev.password" in second


@pytest.mark.parametrize("text", ["", "[deployments]\n", "deployments = 3\n"])
def test_a_file_without_deployments_says_so(tmp_path: Path, text: str) -> None:
    (problem,) = problems_of(tmp_path, text)
    assert "defines no deployment" in problem


def test_an_unreadable_file_says_which(tmp_path: Path) -> None:
    read = read_deployments_file(tmp_path / "missing.toml", ENV, 10.0)
    (problem,) = read.problems
    assert "AIRDECK_DEPLOYMENTS_FILE names" in problem and "missing.toml" in problem


def test_settings_take_every_deployment_from_the_file(tmp_path: Path) -> None:
    env = {
        **ENV,
        "AIRDECK_DEPLOYMENTS_FILE": str(written(tmp_path, GOOD)),
        "AIRDECK_LOCAL_USERS": "ann:pw:admin",
        "AIRDECK_AIRFLOW_TIMEOUT": "4",
    }
    settings = Settings.from_env(env)
    assert [d.name for d in settings.airflow.deployments] == ["prod", "staging"]
    assert settings.airflow.deployments[0].timeout == 4.0


def test_a_bad_file_stops_startup_naming_the_line(tmp_path: Path) -> None:
    env = {
        **ENV,
        "AIRDECK_DEPLOYMENTS_FILE": str(written(tmp_path, GOOD.replace("#C62828", "crimson"))),
        "AIRDECK_LOCAL_USERS": "ann:pw:admin",
    }
    with pytest.raises(SettingsError, match=r"deployments\.toml, line 8: .*colour"):
        Settings.from_env(env)


def test_the_file_does_not_mix_with_the_single_deployment_variables(tmp_path: Path) -> None:
    env = {
        **ENV,
        "AIRDECK_DEPLOYMENTS_FILE": str(written(tmp_path, GOOD)),
        "AIRDECK_LOCAL_USERS": "ann:pw:admin",
        "AIRDECK_AIRFLOW_URL": "http://127.0.0.1:8080",
        "AIRDECK_AIRFLOW_DEPLOYMENTS": "[]",
    }
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(env)
    assert raised.value.problems == [
        "AIRDECK_DEPLOYMENTS_FILE lists every deployment; unset AIRDECK_AIRFLOW_URL, "
        "AIRDECK_AIRFLOW_DEPLOYMENTS (or move what it describes into the file)"
    ]


def test_no_deployment_may_be_called_star() -> None:
    env = {
        "AIRDECK_AIRFLOW_URL": "http://127.0.0.1:8080",
        "AIRDECK_AIRFLOW_USERNAME": "airdeck",
        "AIRDECK_AIRFLOW_NAME": "*",
        "AIRDECK_LOCAL_USERS": "ann:pw:admin",
    }
    with pytest.raises(SettingsError, match="cannot name a deployment"):
        Settings.from_env(env)
