"""``airdeck token``: local-mode tokens signed with the API's own key, for the user named and
the role that user has; refused in OIDC and dev mode, and where the API's key is not."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from airdeck_api.auth.keys import KEY_FILE, load_or_create
from airdeck_api.auth.tokens import LocalTokens
from airdeck_api.cli import main
from airdeck_api.cli.exit_codes import BadSetup, ExitCode
from airdeck_api.cli.minting import configured_roles, mint_token, role_for
from airdeck_domain.rbac import Grant


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """The API's data folder, with the signing key the API made when it first started."""
    load_or_create(tmp_path)
    return tmp_path


def env(data_dir: Path, **overrides: str) -> dict[str, str]:
    return {
        "AIRDECK_AIRFLOW_URL": "http://127.0.0.1:9",
        "AIRDECK_AIRFLOW_USERNAME": "airdeck",
        "AIRDECK_AUTH_MODE": "local",
        "AIRDECK_LOCAL_USERS": "ann:pw:operator, fin:p:w:d:viewer@team=finance",
        "AIRDECK_DATA_DIR": str(data_dir),
        **overrides,
    }


async def test_a_minted_token_is_one_the_api_accepts(data_dir: Path) -> None:
    token, lifetime = mint_token(data_dir, "ci-bot", "operator@team=finance")
    principal = await LocalTokens(load_or_create(data_dir)).verify(token)
    assert principal.subject == "ci-bot"
    assert principal.grants == (Grant(role="operator", owner_team="finance"),)
    assert lifetime == 3600


def test_configured_roles_read_each_users_role() -> None:
    # A password may hold ':'; the role is after the last one.
    assert configured_roles("ann:pw:operator, fin:p:w:d:viewer@team=finance,") == {
        "ann": "operator",
        "fin": "viewer@team=finance",
    }


def test_a_local_user_keeps_their_role() -> None:
    roles = {"ann": "operator"}
    assert role_for("ann", None, roles) == "operator"
    assert role_for("ann", "operator", roles) == "operator"
    with pytest.raises(BadSetup, match="ann is a local user with the role operator"):
        role_for("ann", "admin", roles)


def test_any_other_name_needs_its_role_spelled_out() -> None:
    with pytest.raises(BadSetup, match="give the token's role with --role"):
        role_for("ci-bot", None, {"ann": "operator"})
    assert role_for("ci-bot", "viewer", {"ann": "operator"}) == "viewer"


async def test_the_command_prints_the_token_alone(data_dir: Path) -> None:
    result = CliRunner(env=env(data_dir)).invoke(main, ["token", "--user", "fin"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert "\n" not in token
    principal = await LocalTokens(load_or_create(data_dir)).verify(token)
    assert principal.subject == "fin"
    assert principal.grants == (Grant(role="viewer", owner_team="finance"),)
    assert "Token for fin (viewer@team=finance), valid for 60 min." in result.stderr


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (["--user", "ann", "--role", "admin"], "ann is a local user with the role operator"),
        (["--user", "bot"], "bot is not in AIRDECK_LOCAL_USERS"),
        (["--user", "bot", "--role", "superuser"], "role must be one of viewer, operator, admin"),
        (
            ["--user", "bot", "--role", "operator@planet=mars"],
            "must be team=, tag=, environment= or deployment=",
        ),
        (["--user", "a b", "--role", "viewer"], "--user must be a name without spaces"),
        (["--user", "", "--role", "viewer"], "--user must be a name"),
    ],
)
def test_what_cannot_be_minted_exits_2(data_dir: Path, arguments: list[str], says: str) -> None:
    result = CliRunner(env=env(data_dir)).invoke(main, ["token", *arguments])
    assert result.exit_code == ExitCode.USAGE
    assert says in result.stderr
    assert result.stdout == ""


def test_oidc_mode_mints_nothing(data_dir: Path) -> None:
    oidc = env(
        data_dir,
        AIRDECK_AUTH_MODE="oidc",
        AIRDECK_OIDC_ISSUER="https://id.example.com",
        AIRDECK_OIDC_AUDIENCE="airdeck",
        AIRDECK_OIDC_ROLE_MAP='{"admins": "admin"}',
    )
    result = CliRunner(env=oidc).invoke(main, ["token", "--user", "ann"])
    assert result.exit_code == ExitCode.USAGE
    assert "tokens come from your identity provider" in result.stderr
    assert result.stdout == ""


def test_dev_mode_needs_no_token(data_dir: Path) -> None:
    result = CliRunner(env=env(data_dir, AIRDECK_AUTH_MODE="dev")).invoke(
        main, ["token", "--user", "ann"]
    )
    assert result.exit_code == ExitCode.USAGE
    assert "needs no token" in result.stderr


def test_no_key_where_the_api_keeps_its_data_mints_nothing_and_makes_no_key(
    tmp_path: Path,
) -> None:
    elsewhere = tmp_path / "not-the-api"
    result = CliRunner(env=env(elsewhere)).invoke(main, ["token", "--user", "ann"])
    assert result.exit_code == ExitCode.USAGE
    assert f"no signing key at {elsewhere / KEY_FILE}" in result.stderr
    assert not elsewhere.exists()


def test_an_invalid_configuration_exits_2(data_dir: Path) -> None:
    result = CliRunner(env=env(data_dir, AIRDECK_AUTH_MODE="ldap")).invoke(
        main, ["token", "--user", "ann"]
    )
    assert result.exit_code == ExitCode.USAGE
    assert "AIRDECK_AUTH_MODE must be local, oidc or dev" in result.stderr
