"""What the viewer clicked on the cross-border map: a *focus*, a corridor (origin → destination),
an admin-1 area or a border crossing.

A focus narrows the rest of the page and travels in the URL (``?map_focus=corridor:COD>RWA``); it is
validated here before it reaches SQL, where it is bound as a parameter like any filter value. The
handlers are plain functions, so the tests can drive them without a browser.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

FOCUS_PARAM = "map_focus"          # the page's own query-parameter key
FOCUS_KINDS = ("corridor", "area", "crossing")
# Map layer id -> focus kind. Layers not listed (labels, hexagons, records) select nothing.
LAYER_FOCUS = {"flows": "corridor", "areas": "area", "crossings": "crossing"}
_ISO3 = re.compile(r"^[A-Z]{3}$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.~-]{0,31}$")


@dataclass(frozen=True)
class Focus:
    kind: str          # corridor | area | crossing
    code: str          # "COD>RWA" for a corridor, an admin-1 or crossing code otherwise

    def __post_init__(self) -> None:
        if self.kind not in FOCUS_KINDS:
            raise ValueError(f"unknown map selection kind {self.kind!r}")
        if self.kind == "corridor":
            parts = self.code.split(">")
            if len(parts) != 2 or not all(_ISO3.match(p) for p in parts):
                raise ValueError(f"a corridor is two ISO3 codes such as COD>RWA, not {self.code!r}")
        elif not _CODE.match(self.code):
            raise ValueError(f"not a valid {self.kind} code: {self.code!r}")

    @property
    def param(self) -> str:
        return f"{self.kind}:{self.code}"

    @property
    def ends(self) -> tuple[str, str]:
        origin, destination = self.code.split(">")
        return origin, destination


def focus_from_param(value: Any) -> Focus | None:
    """The focus in a URL value, or None for a missing or hand-edited value that makes no sense."""
    if not isinstance(value, str) or ":" not in value:
        return None
    kind, _, code = value.partition(":")
    try:
        return Focus(kind.strip(), code.strip())
    except ValueError:
        return None


def focus_from_selection(selection: Any) -> Focus | None:
    """The focus a pydeck selection state points to (``{"objects": {layer_id: [obj]}}``).

    Each selectable object carries a ``key`` (GeoJSON features: in ``properties``) written by
    layers.py; it is validated again here because the browser sends it back.
    """
    if not selection:
        return None
    objects = selection.get("objects") if hasattr(selection, "get") else None
    for layer_id, kind in LAYER_FOCUS.items():
        items = (objects or {}).get(layer_id) or []
        for item in items:
            if not isinstance(item, dict):
                continue
            key = item.get("key")
            if key is None and isinstance(item.get("properties"), dict):
                key = item["properties"].get("key")
            focus = focus_from_param(key)
            if focus is not None and focus.kind == kind:
                return focus
    return None


def selection_signature(selection: Any) -> str:
    """A stable text for a selection state, to tell a new click from a rerun."""
    if not selection:
        return ""
    indices = selection.get("indices") if hasattr(selection, "get") else None
    return "|".join(f"{k}:{sorted(v)}" for k, v in sorted((indices or {}).items()) if v)


def resolve_focus(url_value: Any, selection: Any, last_signature: str | None) -> tuple[Focus | None, str, bool]:
    """Which focus the page shows: (focus, signature to remember, whether the URL must change).

    A new click on the map wins (an empty click clears the focus); otherwise the URL
    holds it, so a shared link reproduces the view although the chart starts unselected.
    """
    signature = selection_signature(selection)
    url_focus = focus_from_param(url_value)
    if last_signature is not None and signature != last_signature:
        clicked = focus_from_selection(selection)
        changed = (clicked.param if clicked else None) != (url_focus.param if url_focus else None)
        return clicked, signature, changed
    # A hand-edited, invalid value is dropped from the URL rather than kept.
    return url_focus, signature, url_value is not None and url_focus is None


def focus_sql(focus: Focus | None, alias: str = "i") -> tuple[str, list]:
    if focus is None:
        return "TRUE", []
    if focus.kind == "corridor":
        return f"{alias}.origin_iso3 = ? AND {alias}.destination_iso3 = ?", list(focus.ends)
    column = {"area": "admin1_code", "crossing": "crossing_code"}[focus.kind]
    return f"{alias}.{column} = ?", [focus.code]

