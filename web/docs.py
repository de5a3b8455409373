"""API docs at /docs from a locally installed Swagger UI, so they work offline and under the strict CSP.

Swagger UI 5 (needed for OpenAPI 3.1) ships in the `swagger-ui-bundle-v2` package; its initializer is our
own static file rather than an inline script. Without the package, /docs falls back to FastAPI's page,
which loads Swagger UI from a CDN with an inline script, so that one route gets a relaxed policy.
"""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from web.views import templates

ASSETS = "/docs/assets"
CDN_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
              "style-src 'self' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
              "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


def swagger_ui_dir() -> Path | None:
    """The installed Swagger UI distribution, if it is version 5 or later (earlier ones cannot read 3.1)."""
    try:
        from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-not-found]
    except ImportError:
        return None
    path = Path(str(swagger_ui_path))
    version = re.search(r"(\d+)\.\d+\.\d+$", path.name)
    if not version or int(version.group(1)) < 5 or not (path / "swagger-ui-bundle.js").is_file():
        return None
    return path


def install(app: FastAPI) -> dict[str, str]:
    """Add /docs to `app`; returns the per-path CSP overrides it needs (none when served locally)."""
    assets = swagger_ui_dir()
    title = f"{app.title} – API"
    if assets is None:
        @app.get("/docs", include_in_schema=False)
        def cdn_docs() -> HTMLResponse:
            return get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title=title)

        return {"/docs": CDN_POLICY}

    app.mount(ASSETS, StaticFiles(directory=assets), name="swagger-ui")

    @app.get("/docs", include_in_schema=False)
    def local_docs(request: Request) -> Response:
        return templates.TemplateResponse(request, "docs.html", {"title": title, "assets": ASSETS})

    return {}
