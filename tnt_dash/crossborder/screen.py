"""The map page's helpers: the queries it asks the page cache for, and the words, legend and figures
it shows around the map. The page only lays them out."""
from __future__ import annotations

import html
from functools import partial
from typing import Any, Callable

import pandas as pd
import plotly.graph_objects as go

from .. import figures, geo
from ..i18n import I18n
from ..scope import Scope
from .corridors import area_totals, crossing_totals, flow_totals, map_countries, market_totals
from .layers import FAMILIES, FAMILY_COLOURS, FAMILY_LABELS
from .sankey import sankey_figure
from .selection import Focus
from .table import corridor_table


# --- What the page asks the cache for ------------------------------------------------------------

def filter_parts(scope: Scope) -> list[partial]:
    """What the filters alone decide: areas, the countries to outline, flows and crossings. One cache
    entry whose queries run two at a time (ctx.call_together)."""
    f, p = scope.filters, scope.profile
    return [partial(area_totals, f, p, scope.lang), partial(map_countries, f, p),
            partial(flow_totals, f, p, scope.lang), partial(crossing_totals, f, p)]


def focus_parts(scope: Scope, focus: Focus | None) -> list[partial]:
    """What the map selection narrows: the corridor table and markets, and with a focus the flows and
    crossings again. Its own cache entry, so a click on the map reruns these only."""
    f, p = scope.filters, scope.profile
    parts = [partial(corridor_table, scope, focus), partial(market_totals, f, p, scope.lang, focus)]
    if focus is not None:
        parts += [partial(flow_totals, f, p, scope.lang, focus), partial(crossing_totals, f, p, focus)]
    return parts


def with_focus(results: list, flows: pd.DataFrame, crossings: pd.DataFrame) -> tuple:
    """(table, markets, flows, crossings) from focus_parts' results; the unnarrowed flows and crossings
    when nothing is selected."""
    table, markets, *narrowed = results
    return (table, markets, *(narrowed or (flows, crossings)))


def territories(areas: pd.DataFrame) -> tuple[str, ...]:
    """The territories with incidents in an ``area_totals`` frame: whose admin-1 boundaries and missions'
    areas of operations the map draws."""
    return tuple(sorted(set(areas["iso3"])))


def busiest_territory(areas: pd.DataFrame) -> str | None:
    """The territory with the most incidents in an ``area_totals`` frame: the map's first view,
    since one mission's borders read clearly where every mission at once would not."""
    if areas.empty:
        return None
    totals = areas.groupby("iso3")["incidents"].sum()
    return str(totals.sort_values(ascending=False, kind="stable").index[0])



# --- Controls -------------------------------------------------------------------------------------

def mode_names(t: I18n) -> dict[str, str]:
    _ = t.gettext
    return {"areas": _("Areas"), "hexagons": _("Hexagons")}


def zoom_choices(areas: pd.DataFrame, country_names: dict[str, str]) -> tuple[list[str], str]:
    """*Zoom to*'s options ("all", then the territories by name) and its default, the busiest one."""
    options = ["all", *sorted(set(areas["iso3"]), key=lambda c: country_names.get(c, c))]
    busiest = busiest_territory(areas)
    return options, busiest if busiest in options else "all"


def zoom_label(t: I18n, country_names: dict[str, str]) -> Callable[[str], str]:
    return lambda c: t.gettext("All territories in the filters") if c == "all" else country_names.get(c, c)


def view_iso3(zoom: str | None) -> str | None:
    """The territory the map's first view frames, or None for all of them."""
    return None if zoom in (None, "all") else zoom


# --- Words around the map -------------------------------------------------------------------------

def period_text(scope: Scope) -> str:
    t, filters = scope.t, scope.filters
    if filters.date_from and filters.date_to:
        return t.gettext("{start} to {end}").format(start=t.date(filters.date_from), end=t.date(filters.date_to))
    return t.gettext("all dates")


def disclaimer(polygons: dict[str, Any] | None, t: I18n) -> str:
    """The UN disclaimer under the map, with the admin-1 outlines' credit while they are drawn."""
    _ = t.gettext
    text = _("The boundaries and names shown and the designations used on this map do not imply official "
             "endorsement or acceptance by the United Nations.")
    if polygons and polygons.get("attribution"):   # the shipped admin-1 outlines require their credit
        # The credit in the page's language when it is the one the shipped file carries (a translation
        # of a licence credit names the same sources); an imported file's own credit as it is written.
        credit = polygons["attribution"]
        credit = _(geo.REFERENCE_ATTRIBUTION) if credit == geo.REFERENCE_ATTRIBUTION else credit
        text += " " + _("Admin-1 boundaries: {attribution}").format(attribution=credit)
    return text


def focus_kind(focus: Focus, t: I18n) -> str:
    _ = t.gettext
    return {"corridor": _("Corridor"), "area": _("Admin-1 area"), "crossing": _("Border crossing")}[focus.kind]


def table_height(table: pd.DataFrame) -> int:
    """Pixels for the corridor table: every row up to about a dozen, then it scrolls."""
    return min(38 + 35 * len(table), 460)


def legend_html(flows: pd.DataFrame, t: I18n, mode: str, has_polygons: bool,
                has_operations_areas: bool = False) -> str:
    """The map legend as HTML swatches: arc colour = market family, arc width = volume."""
    _ = t.gettext
    present = [f for f in FAMILIES if not flows.empty and f in set(flows["family"])]
    swatches = " ".join(
        f"<span style='white-space:nowrap;margin-right:1.1em'><span style='display:inline-block;width:1.6em;"
        f"height:.55em;vertical-align:middle;border-radius:.2em;background:rgb{FAMILY_COLOURS[f]}'></span> "
        f"{html.escape(_(FAMILY_LABELS[f]))}</span>" for f in present)
    heading = html.escape(_("Arc colour: criminal market"))
    parts = [f"<b>{heading}</b><br/>{swatches}"]
    if not flows.empty:
        per_arc = flows["incidents"]
        parts.append(html.escape(_("Arc width: incidents on the corridor for that market, from {low} (thinnest) "
                                   "to {high} (thickest). Arcs run from the country of origin to the "
                                   "destination, through the transit country where known; each arc is pale "
                                   "where it starts and darkest where it arrives.").format(
            low=t.number(per_arc.min()), high=t.number(per_arc.max()))))
    if mode == "hexagons":
        place = _("Grey hexagons: incidents in each cell (darker = more).")
    elif has_polygons:
        place = _("Grey areas: incidents in each admin-1 area (darker = more).")
    else:
        place = _("Grey circles: incidents in each admin-1 area, at its centre (larger = more). "
                  "Import admin-1 boundaries to see areas instead.")
    parts.append(html.escape(place))
    parts.append(html.escape(_("White circles: border crossings, sized by the incidents recorded there.")))
    if has_operations_areas:
        parts.append(html.escape(_("Dark blue line: the missions' areas of operations.")))
    return "<div style='font-size:1.05rem;line-height:1.7'>" + "<br/>".join(parts) + "</div>"


# --- Figures under the map ------------------------------------------------------------------------

def sankey(flows: pd.DataFrame, where: str, period: str, t: I18n) -> go.Figure:
    _ = t.gettext
    labels = {"origin": _("Origin"), "transit": _("Transit"), "destination": _("Destination"),
              "incidents": _("incidents")}
    return sankey_figure(flows, _("Origin → transit → destination – {where}, {period}").format(
        where=where, period=period), labels, separators=t.plotly_separators)


def top_markets(markets: pd.DataFrame, where: str, period: str, t: I18n) -> go.Figure:
    _ = t.gettext
    top = markets.head(8)
    return figures.ranked_bars(top["market_label"].tolist(), top["incidents"].tolist(),
                               _("Top criminal markets – {where}, {period}").format(where=where, period=period),
                               _("Incidents"), separators=t.plotly_separators)


def busiest_crossings(crossings: pd.DataFrame, where: str, period: str, t: I18n) -> go.Figure:
    _ = t.gettext
    used = crossings[crossings["incidents"] > 0].head(10)
    return figures.ranked_bars(used["name"].tolist(), used["incidents"].tolist(),
                               _("Busiest border crossings – {where}, {period}").format(where=where, period=period),
                               _("Incidents recorded at the crossing"), separators=t.plotly_separators)
