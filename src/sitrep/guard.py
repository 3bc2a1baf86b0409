"""What stands between ``sitrep serve`` and the network: a trusted-hosts check on every request
(a page on another site cannot read the API through DNS rebinding, since its requests carry that
site's name in ``Host``) and, for deployments beyond this machine, a token.

The token is given as ``Authorization: Bearer TOKEN`` (scripts) or as the password of HTTP basic
authentication with any user name (a browser asks for it). Tokens are compared in constant time.
"""

from __future__ import annotations

import base64
import hmac
import ipaddress
from typing import Iterable

from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")


def is_loopback(host: str) -> bool:
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def trusted_hosts(bound: str, extra: Iterable[str] = ()) -> list[str]:
    """The names a request may carry in ``Host``: the loopback names, the bound address unless it
    is a wildcard, and what the user lists. ``*`` in ``extra`` turns the check off."""
    hosts = list(LOOPBACK_NAMES)
    if bound not in ("0.0.0.0", "::", ""):
        hosts.append(bound)
    hosts.extend(extra)
    return sorted(set(hosts))


class TokenAuth:
    """Every request must carry the token; otherwise 401, with a basic-auth challenge so a
    browser prompts for it."""

    def __init__(self, app: ASGIApp, token: str):
        self.app = app
        self.token = token.encode("utf-8")

    def _given(self, scope: Scope) -> bytes | None:
        for name, value in scope.get("headers", []):
            if name != b"authorization":
                continue
            kind, _, cred = value.partition(b" ")
            if kind.lower() == b"bearer":
                return cred.strip()
            if kind.lower() == b"basic":
                try:
                    return base64.b64decode(cred.strip(), validate=True).partition(b":")[2]
                except ValueError:
                    return None
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = self._given(scope)
        if given is not None and hmac.compare_digest(given, self.token):
            await self.app(scope, receive, send)
            return
        await send({"type": "http.response.start", "status": 401,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"www-authenticate", b'Basic realm="sitrep"')]})
        await send({"type": "http.response.body", "body": b"sitrep: a token is required\n"})


def protect(app: ASGIApp, bound: str, allowed_hosts: Iterable[str] = (),
            token: str | None = None) -> ASGIApp:
    """The app behind the host check and, if a token is given, the token check."""
    guarded: ASGIApp = TokenAuth(app, token) if token else app
    return TrustedHostMiddleware(guarded, allowed_hosts=trusted_hosts(bound, allowed_hosts))


def exposure_warning(bound: str, token: str | None) -> str | None:
    """One line when the app is reachable from other machines without a token."""
    if is_loopback(bound) or token:
        return None
    return (f"warning: serving on {bound} without a token: anyone who can reach this machine can "
            f"read the whole record. Set SITREP_TOKEN (or --token) or bind to 127.0.0.1.")
