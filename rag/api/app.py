"""The whole server around one ``Assistant``: the routers, the MCP app, the security
middleware and the web chat, mounted last at ``/``."""

from __future__ import annotations

import contextlib
import hmac
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING

from fastapi import FastAPI, Security
from fastapi.security import HTTPBearer
from starlette.middleware.trustedhost import TrustedHostMiddleware

from rag.api import ask, documents, errors, health, openai
from rag.api.docs import mount_docs
from rag.api.mcp import build_mcp
from rag.api.tokens import Tokens
from rag.security import BearerAuth, BodyCap, LoginThrottle, OriginCheck, allowed_hosts
from rag.uploads import Inbox

if TYPE_CHECKING:
    from rag.assistant import Assistant
    from rag.settings import Settings


def create_app(assistant: Assistant, settings: Settings) -> FastAPI:
    """The whole server around an existing assistant (tests build one around theirs)."""
    import gradio as gr

    from ui.app import CSS, THEME, build_ui

    mcp = build_mcp(assistant)
    mcp_app = mcp.streamable_http_app(streamable_http_path="/mcp", host=settings.host)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with mcp.session_manager.run():
            yield

    app = FastAPI(
        title="rag",
        summary="Grounded answers from news articles, with exact citations.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served from the package's files by mount_docs, not from a CDN
        redoc_url=None,
    )
    secured = [Security(HTTPBearer(auto_error=False))] if settings.api_key else []
    inbox = Inbox(assistant, settings.data_dir / "uploads", settings.max_upload_mb)
    tokens = Tokens(assistant.retriever.embedder.count_tokens)
    app.include_router(ask.router(assistant), prefix="/api", dependencies=secured)
    app.include_router(documents.router(assistant, inbox), prefix="/api", dependencies=secured)
    app.include_router(
        openai.router(openai.Completions(assistant, tokens)), prefix="/v1", dependencies=secured
    )
    app.include_router(health.router(assistant))
    app.router.routes.extend(mcp_app.routes)  # exactly /mcp, ahead of the UI mounted at /
    mount_docs(app)
    errors.install(app)

    # outermost last: host, then origin, then body size, then logins and keys
    app.add_middleware(BearerAuth, api_key=settings.api_key)
    app.add_middleware(LoginThrottle)
    app.add_middleware(BodyCap, upload_bytes=inbox.max_bytes)
    app.add_middleware(OriginCheck, allowed_origins=settings.allowed_origins)
    app.add_middleware(
        TrustedHostMiddleware,
        allowed_hosts=allowed_hosts(settings.host, settings.allowed_hosts),
        www_redirect=False,
    )
    blocks = build_ui(assistant, inbox=inbox)
    return gr.mount_gradio_app(
        app,
        blocks,
        path="/",
        auth=_ui_login(settings.api_key),
        auth_message="This server needs its API key: any user name, the key as password.",
        css=CSS,
        theme=THEME,
        footer_links=["api"],
        run_history=False,
        ssr_mode=False,
        max_file_size=f"{inbox.max_bytes}b",
    )


def _ui_login(api_key: str | None) -> Callable[[str, str], bool] | None:
    """With an API key set, the web chat (and Gradio's own API behind it) asks for it too."""
    if not api_key:
        return None
    key = api_key.encode()
    return lambda _user, password: hmac.compare_digest(password.encode(), key)
