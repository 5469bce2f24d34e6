"""``airdeck token``: a local-mode bearer token, signed with the API's own key.

Whoever can read the API's data folder (``AIRDECK_DATA_DIR``, where the key is kept with mode
0600) can sign any token the API accepts; this command does only that, and nothing more. The
token names its user, so everything done with it obeys that user's role and is audited under
that name. A user of ``AIRDECK_LOCAL_USERS`` keeps the role configured for them: a token cannot
make an existing person more (or other) than they are. Any other name is a new identity (a CI
job, say) and needs its role spelled out.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from airdeck_api.auth.keys import KEY_FILE, load_or_create
from airdeck_api.auth.tokens import LocalTokens
from airdeck_api.auth.users import parse_role
from airdeck_api.cli.configuration import settings_or_exit
from airdeck_api.cli.exit_codes import BadSetup


def mint_token(data_dir: Path, subject: str, role: str) -> tuple[str, int]:
    """A bearer token for ``subject`` with ``role`` (``viewer``, ``operator``, ``admin``, or
    scoped: ``operator@team=finance``) that every API whose ``AIRDECK_DATA_DIR`` is
    ``data_dir`` accepts in local mode, and its lifetime in seconds (the API's usual hour).
    It is signed with the key kept there, which is created if missing, as the API does when
    it first starts. Raises ``UsersError`` for a malformed role."""
    return LocalTokens(load_or_create(data_dir)).issue(parse_role(role, subject))


def configured_roles(spec: str) -> dict[str, str]:
    """Each local user's role as ``AIRDECK_LOCAL_USERS`` (``name:password:role,…``; a
    password may hold ``:``) names it."""
    entries = (entry.strip() for entry in spec.split(","))
    return {entry.partition(":")[0]: entry.rpartition(":")[2] for entry in entries if ":" in entry}


def role_for(user: str, asked: str | None, configured: dict[str, str]) -> str:
    """The role a token for ``user`` carries: a local user's own (``asked`` may only repeat
    it), else ``asked``, which any other name must give."""
    own = configured.get(user)
    if own is not None:
        if asked is not None and asked != own:
            raise BadSetup(
                f"{user} is a local user with the role {own}; a token for {user} carries "
                f"that role. Leave out --role, or mint a token for another name."
            )
        return own
    if asked is None:
        raise BadSetup(
            f"{user} is not in AIRDECK_LOCAL_USERS: give the token's role with --role "
            "(viewer, operator or admin, optionally scoped: operator@team=finance)."
        )
    return asked


@click.command(name="token")
@click.option("--user", required=True, help="Who the token names (its audit rows show it).")
@click.option(
    "--role",
    default=None,
    help="viewer, operator or admin, optionally scoped (operator@team=finance+tag=x); a "
    "local user's own role when omitted, required for any other name.",
)
def token_command(user: str, role: str | None) -> None:
    """Mint a local-mode bearer token for USER, printed alone on stdout.

    It is signed with the API's key in AIRDECK_DATA_DIR, so only who can read that folder
    can mint, and it lasts an hour. Use it as AIRDECK_TOKEN:

    \b
        export AIRDECK_TOKEN=$(airdeck token --user ci --role operator)
    """
    settings = settings_or_exit()
    if settings.auth.mode == "oidc":
        raise BadSetup(
            "AIRDECK_AUTH_MODE=oidc: tokens come from your identity provider, not from "
            "Airdeck; sign in there and pass its access token as --token or AIRDECK_TOKEN."
        )
    if settings.auth.mode == "dev":
        raise BadSetup(
            "AIRDECK_AUTH_MODE=dev: the API treats every request as a development admin "
            "and needs no token."
        )
    if not user.strip() or any(c.isspace() or c in ":," for c in user):
        raise BadSetup("--user must be a name without spaces, ':' or ','.")
    chosen = role_for(user, role, configured_roles(settings.auth.local_users))
    key = settings.storage.data_dir / KEY_FILE
    if not key.exists():
        raise BadSetup(
            f"no signing key at {key}: AIRDECK_DATA_DIR must be the API's data folder "
            "(the API creates its key there when it first starts)."
        )
    if not os.access(key, os.R_OK):
        raise BadSetup(
            f"cannot read {key}: only who may read the API's data folder can mint tokens."
        )
    try:
        token, lifetime = mint_token(settings.storage.data_dir, user, chosen)
    except (OSError, ValueError) as exc:  # a malformed role (UsersError) or an unusable key
        raise BadSetup(f"cannot mint a token: {exc}") from exc
    click.echo(token)
    click.echo(f"Token for {user} ({chosen}), valid for {lifetime // 60} min.", err=True)
