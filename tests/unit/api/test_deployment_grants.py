"""Grants scoped to a deployment: spelled ``operator@deployment=staging`` wherever a role is
(local users, the OIDC role map, minted tokens), carried in local tokens, and a deployment the
caller may not see answered exactly like one that is not configured."""

from __future__ import annotations

from pathlib import Path

import pytest

from airdeck_api.auth.keys import load_or_create
from airdeck_api.auth.tokens import LocalTokens
from airdeck_api.auth.users import UsersError, parse_role
from airdeck_api.schemas.deployments import DeploymentProfile
from airdeck_api.services.fleet import addressed_deployment
from airdeck_api.settings import Settings
from airdeck_domain.errors import InvalidInputError, NotFoundError
from airdeck_domain.rbac import Grant, Principal

PROFILES = (
    DeploymentProfile(id="prod", name="Production", api_version="v2", default=True),
    DeploymentProfile(id="staging", name="Staging", api_version="v2"),
)


def test_a_role_may_be_scoped_to_a_deployment_and_more() -> None:
    principal = parse_role("operator@deployment=staging+team=finance", "fin")
    assert principal.role is None
    assert principal.grants == (Grant(role="operator", deployment="staging", owner_team="finance"),)
    with pytest.raises(UsersError, match="deployment="):
        parse_role("operator@cluster=staging", "fin")


async def test_a_local_token_carries_the_deployment_of_a_grant(tmp_path: Path) -> None:
    tokens = LocalTokens(load_or_create(tmp_path))
    issued, _ = tokens.issue(parse_role("viewer@deployment=staging", "sam"))
    principal = await tokens.verify(issued)
    assert principal.grants == (Grant(role="viewer", deployment="staging"),)


def test_the_oidc_role_map_takes_deployment_grants() -> None:
    env = {
        "AIRDECK_AIRFLOW_URL": "http://127.0.0.1:8080",
        "AIRDECK_AIRFLOW_USERNAME": "airdeck",
        "AIRDECK_AUTH_MODE": "oidc",
        "AIRDECK_OIDC_ISSUER": "https://id.example.com",
        "AIRDECK_OIDC_AUDIENCE": "airdeck",
        "AIRDECK_OIDC_ROLE_MAP": '{"staging-ops": "operator@deployment=staging"}',
    }
    oidc = Settings.from_env(env).auth.oidc
    assert oidc is not None and oidc.role_map == {"staging-ops": "operator@deployment=staging"}


def test_a_hidden_deployment_answers_like_an_unknown_one() -> None:
    staging_only = parse_role("operator@deployment=staging", "sam")
    assert addressed_deployment(staging_only, "staging", PROFILES) == "staging"
    with pytest.raises(NotFoundError) as hidden:
        addressed_deployment(staging_only, "prod", PROFILES)
    with pytest.raises(NotFoundError) as unknown:
        addressed_deployment(staging_only, "nowhere", PROFILES)
    assert hidden.value.message == "Unknown deployment 'prod'. Known deployments: staging"
    assert unknown.value.message == hidden.value.message.replace("prod", "nowhere")


def test_the_default_deployment_is_not_named_to_those_who_may_not_see_it() -> None:
    admin = Principal(subject="ada", role="admin")
    assert addressed_deployment(admin, None, PROFILES) == "prod"
    with pytest.raises(NotFoundError) as refused:
        addressed_deployment(parse_role("viewer@deployment=staging", "sam"), None, PROFILES)
    assert "prod" not in refused.value.message and "staging" in refused.value.message
    with pytest.raises(NotFoundError, match="You may see no deployment"):
        addressed_deployment(Principal(subject="nobody"), "prod", PROFILES)


def test_star_is_only_for_lists() -> None:
    with pytest.raises(InvalidInputError, match="only the DAG list"):
        addressed_deployment(Principal(subject="ada", role="admin"), "*", PROFILES)
