"""One Jinja environment for the report and the web app, with autoescape on for every template.

All article text, titles, outlets, speakers and URLs come from scraped pages: hostile input. It
only ever reaches HTML through ``{{ }}`` in a template, so Jinja escapes it. The only values
marked safe are this package's own stylesheet and script, and a Content-Security-Policy that
allows no script but ours (by hash) and no network fetch backs that up.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from importlib import resources
from urllib.parse import quote

from jinja2 import Environment, PackageLoader
from markupsafe import Markup


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(loader=PackageLoader("sitrep", "templates"), autoescape=True,
                       trim_blocks=True, lstrip_blocks=True)


@lru_cache(maxsize=None)
def asset(name: str) -> Markup:
    return Markup(resources.files("sitrep").joinpath("templates", name).read_text("utf-8"))


def script_hash() -> str:
    digest = hashlib.sha256(str(asset("script.js")).encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def csp(extra: str = "") -> str:
    return ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
            f"script-src {script_hash()}" + (f"; {extra}" if extra else ""))


def report_link(doc_id: str, key: str | None) -> str:
    """A fragment the report's script reads: show document ``doc_id``, highlight ``key``."""
    frag = "#view?doc=" + quote(doc_id, safe="")
    return frag + ("&key=" + quote(key, safe="") if key else "")


def app_link(doc_id: str, key: str | None) -> str:
    url = "/documents/" + quote(doc_id, safe="")
    return url + ("?key=" + quote(key, safe="") + "#hl" if key else "")


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(
        css=asset("style.css"), script=asset("script.js"), **context)
