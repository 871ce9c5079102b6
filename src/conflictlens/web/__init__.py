"""The web dashboard: a static page (map, timeline, filters, table, incident view) served by the API app.

The page and its third-party files (``vendor/``: Leaflet, topojson-client and Natural Earth country outlines
from world-atlas) are package data, so the dashboard works with no internet. Online map tiles are used only
when the operator sets a tile URL (``CONFLICTLENS_TILE_URL``). Every dashboard response carries a strict
Content-Security-Policy: scripts only from this server, no inline script, no plug-ins, no framing.

:func:`add_dashboard` adds the routes to an app; :func:`conflictlens.api.create_app` calls it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi.responses import FileResponse, JSONResponse, Response

from ..errors import ConflictlensError
from ..taxonomy import SUB_EVENT_TYPES

WEB_DIR = Path(__file__).resolve().parent
TILE_URL_ENV = "CONFLICTLENS_TILE_URL"
TILE_ATTRIBUTION_ENV = "CONFLICTLENS_TILE_ATTRIBUTION"
# What the page may be served: its own files and the vendored ones. Anything else under WEB_DIR (this module)
# is not a static file.
STATIC_SUFFIXES = {".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".png": "image/png"}
# How many events the map draws (the latest that match) and the table shows per page. The API rebuilds every
# event record it returns, so the map's limit sets the first load time: over 100,000 events on a shared 2-core
# machine (benchmarks/dashboard_load.py) 1,000 markers gave ~2.0 s and 500 gave ~1.5 s; 1,000 keeps about ten
# days of a busy feed on the map. A filter or a brush reaches the rest.
MAP_LIMIT = 1000
TABLE_PAGE_SIZE = 50
# Flags for driving the page in headless Chromium on a machine with no internet (the browser tests and
# benchmarks/dashboard_load.py): without the background-networking ones Chromium keeps dialling Google's hosts.
HEADLESS_CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


class DashboardConfigError(ConflictlensError):
    """The dashboard's configuration (tile URL) is not usable."""


@dataclass(frozen=True)
class DashboardConfig:
    """What the operator configures: an online tile layer (``{z}/{x}/{y}`` URL and its attribution), or none."""

    tile_url: str | None = None
    tile_attribution: str | None = None

    def __post_init__(self) -> None:
        if self.tile_url is None:
            return
        parts = urlsplit(self.tile_url)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise DashboardConfigError(
                f"tile URL {self.tile_url!r} is not an http(s) URL; give e.g. https://tile.example.org/{{z}}/{{x}}/{{y}}.png"
            )
        missing = [p for p in ("{z}", "{x}", "{y}") if p not in self.tile_url]
        if missing:
            raise DashboardConfigError(f"tile URL {self.tile_url!r} lacks {', '.join(missing)}: Leaflet fills them")

    @classmethod
    def from_environment(cls) -> DashboardConfig:
        """Read :data:`TILE_URL_ENV` and :data:`TILE_ATTRIBUTION_ENV` (unset or empty: offline basemap only)."""
        return cls(os.environ.get(TILE_URL_ENV) or None, os.environ.get(TILE_ATTRIBUTION_ENV) or None)

    @property
    def tile_origin(self) -> str | None:
        """``scheme://host[:port]`` of the tile server (with ``*.`` for Leaflet's ``{s}`` subdomains)."""
        if self.tile_url is None:
            return None
        parts = urlsplit(self.tile_url)
        host = parts.netloc.replace("{s}", "*")
        return f"{parts.scheme}://{host}"

    def content_security_policy(self) -> str:
        images = "'self'" + (f" {self.tile_origin}" if self.tile_origin else "")
        return "; ".join(
            (
                "default-src 'none'",
                "script-src 'self'",
                "style-src 'self'",
                f"img-src {images}",
                "connect-src 'self'",
                "base-uri 'none'",
                "form-action 'self'",
                "frame-ancestors 'none'",
            )
        )

    def page_settings(self) -> dict[str, Any]:
        """What the page reads from ``/dashboard/config``."""
        return {
            "tile_url": self.tile_url,
            "tile_attribution": self.tile_attribution,
            "map_limit": MAP_LIMIT,
            "page_size": TABLE_PAGE_SIZE,
            "event_types": sorted(SUB_EVENT_TYPES),
        }


def _static_file(path: str) -> Path | None:
    """The file under :data:`WEB_DIR` that ``path`` names, when it is one the page may be served."""
    candidate = (WEB_DIR / path).resolve()
    if not candidate.is_relative_to(WEB_DIR) or candidate.suffix not in STATIC_SUFFIXES or not candidate.is_file():
        return None
    return candidate


def add_dashboard(app: FastAPI, config: DashboardConfig) -> None:
    """Serve the dashboard at ``/`` (with ``#incident/<id>`` pages), its files at ``/static/`` and its settings
    at ``/dashboard/config``, each with :data:`SECURITY_HEADERS` and the Content-Security-Policy."""
    headers = {**SECURITY_HEADERS, "Content-Security-Policy": config.content_security_policy()}

    @app.get("/", include_in_schema=False)
    def dashboard() -> Response:
        return FileResponse(WEB_DIR / "index.html", media_type="text/html", headers=headers)

    @app.get("/static/{path:path}", include_in_schema=False)
    def static(path: str) -> Response:
        found = _static_file(path)
        if found is None:
            return JSONResponse(
                {"error": "not_found", "detail": f"no dashboard file {path!r}"}, status_code=404, headers=headers
            )
        return FileResponse(found, media_type=STATIC_SUFFIXES[found.suffix], headers=headers)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204, headers=headers)

    @app.get("/dashboard/config", include_in_schema=False)
    def dashboard_config() -> Response:
        return JSONResponse(config.page_settings(), headers=headers)


__all__ = ["MAP_LIMIT", "TABLE_PAGE_SIZE", "DashboardConfig", "DashboardConfigError", "add_dashboard"]
