"""Reflex configuration of Airdeck's web UI (its port from AIRDECK_WEB_PORT)."""

import os

import reflex as rx
from reflex.plugins.sitemap import SitemapPlugin

config = rx.Config(
    app_name="airdeck_web",
    # In production mode Reflex serves the built frontend and its backend on one port.
    frontend_port=int(os.environ.get("AIRDECK_WEB_PORT", "3000")),
    backend_port=int(os.environ.get("AIRDECK_WEB_PORT", "3000")),
    telemetry_enabled=False,
    show_built_with_reflex=False,
    disable_plugins=[SitemapPlugin],
    plugins=[
        rx.plugins.RadixThemesPlugin(theme=rx.theme(appearance="inherit", accent_color="indigo"))
    ],
)
