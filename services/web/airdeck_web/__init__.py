"""Airdeck's web UI (Reflex). It talks to the Airdeck API over HTTP only."""
