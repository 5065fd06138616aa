"""The suppression plan's fast search must choose exactly the cells the path search chose.

`ReferencePlan` is the earlier implementation, kept as the oracle: a path search through every row
and column for each small cell. It is exact but took over a minute on a 760-row table. The plan in
tnt_dash/suppression.py vectorises the same decisions; these tests require the same hidden cells,
and the same refusal, on random tables of every shape, including tables wider than tall (the fast
search then runs on the transposed table).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tnt_dash.suppression import DisclosureError, _build_grid, _Plan

import pandas as pd


def _lines(g) -> list[list[tuple[int, int]]]:
    """Every row and column that carries a 'cells add up to total' equation (the earlier _Grid.lines)."""
    rows = [[(r, c) for c in range(g.C + 1)] for r in range(g.R + 1)]
    cols = [[(r, c) for r in range(g.R + 1)] for c in range(g.C + 1)]
    return rows + cols


class ReferencePlan(_Plan):
    """The earlier per-cell path search, verbatim but for two later rules about what to hide: a
    cell pinned along a line is broken in that line (written out again here), and a cell only
    the path search finds pinned gets `_Plan._cheapest_way_out` (shared, not re-derived)."""

    def _candidates(self, line: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        g, hidden = self.g, self.hidden
        # Zeros stay visible: the reader's bounds for "x" assume it is >= k.
        return [(r, c) for r, c in line if g.suppressible[r, c] and not hidden[r, c] and g.values[r, c] > 0]

    def _choose(self, target: tuple[int, int], pinned: dict[tuple[int, int], tuple[bool, bool]]
                ) -> tuple[int, int] | None:
        R, C = self.g.R, self.g.C
        tr, tc = target
        by_row, by_col = pinned[target]
        row = [(tr, c) for c in range(C + 1) if c != tc] if by_row else []
        col = [(r, tc) for r in range(R + 1) if r != tr] if by_col else []

        def rank(cell: tuple[int, int]) -> tuple[int, int, int, int, int]:
            r, c = cell
            # Readers look for the totals first, and the grand total is usually
            # also a headline figure elsewhere: hide an inner cell if one will
            # do, a row or column total next, the grand total last.
            level = (r == R) + (c == C)
            crossing = [(r, j) for j in range(C + 1)] if r != tr else [(i, c) for i in range(R + 1)]
            # A cell that also breaks a pinned cell in its crossing line does two jobs.
            helps = sum(1 for x in crossing if x in pinned and x != target)
            return (level, -helps, int(self.g.values[r, c]), r, c)

        near = self._candidates(row + col)
        if near:
            return min(near, key=rank)
        # Hidden cells elsewhere can still open a path around a pinned block.
        everywhere = self._candidates([(r, c) for r in range(R + 1) for c in range(C + 1)])
        return min(everywhere, key=rank) if everywhere else None

    def _line_pinned(self) -> tuple[dict[tuple[int, int], tuple[bool, bool]], list[tuple[int, int]]]:
        """Primary cells alone among unknowns in some line, with the lines (row, column) that pin them."""
        unknown, primary = self.unknown, self.primary
        pinned: dict[tuple[int, int], tuple[bool, bool]] = {}
        stuck: list[tuple[int, int]] = []
        n_rows = self.g.R + 1
        for number, line in enumerate(_lines(self.g)):
            open_cells = [cell for cell in line if unknown[cell]]
            if len(open_cells) == 1 and primary[open_cells[0]]:
                by_row, by_col = pinned.get(open_cells[0], (False, False))
                pinned[open_cells[0]] = (by_row or number < n_rows, by_col or number >= n_rows)
                if not self._candidates(line):
                    stuck.append(open_cells[0])
        return pinned, stuck

    def _bounds(self, cell: tuple[int, int]) -> tuple[float, float]:
        """The range a reader knows an unknown cell lies in."""
        if self.primary[cell] or self.small_outside[cell]:
            return 1, self.g.k - 1
        if self.complementary[cell]:
            return self.g.k, math.inf
        return 0, math.inf

    def pinned(self) -> set[tuple[int, int]]:
        """Primary cells that every table consistent with what is shown agrees on.

        Each row and column is a node and each unknown cell an edge between its
        row and its column. After flipping the sign of totals, every line says
        "the edges at this node add up to a known number", which makes the
        unknowns a flow. Two tables that agree on everything shown differ by
        cycles that alternately raise and lower cells. So a cell can take
        another value exactly when it lies on such a cycle whose every cell has
        room to move by one within its bounds: a path search, not an LP.
        """
        g = self.g
        R, C = g.R, g.C
        cells = [(int(r), int(c)) for r, c in np.argwhere(self.unknown)]
        rise: dict[tuple[int, int], bool] = {}
        fall: dict[tuple[int, int], bool] = {}
        for cell in cells:
            lo, hi = self._bounds(cell)
            up, down = g.values[cell] < hi, g.values[cell] > lo
            r, c = cell
            if (r == R) != (c == C):  # a total: its line subtracts it
                up, down = down, up
            rise[cell], fall[cell] = up, down

        # Raising a cell steps from its row to its column; lowering one, back.
        from_row: dict[int, list[tuple[int, int]]] = {r: [] for r in range(R + 1)}
        from_col: dict[int, list[tuple[int, int]]] = {c: [] for c in range(C + 1)}
        for cell in cells:
            if rise[cell]:
                from_row[cell[0]].append(cell)
            if fall[cell]:
                from_col[cell[1]].append(cell)

        def reachable(start: tuple[str, int], goal: tuple[str, int], avoid: tuple[int, int]) -> bool:
            seen = {start}
            todo = [start]
            while todo:
                kind, i = todo.pop()
                if (kind, i) == goal:
                    return True
                steps = ([("col", c) for r, c in from_row[i] if (r, c) != avoid] if kind == "row"
                         else [("row", r) for r, c in from_col[i] if (r, c) != avoid])
                for node in steps:
                    if node not in seen:
                        seen.add(node)
                        todo.append(node)
            return False

        pinned: set[tuple[int, int]] = set()
        for cell in cells:
            if not self.primary[cell]:
                # Only small counts need protecting. A complementary cell that
                # can be worked out is a count of k or more, which could have been
                # shown anyway; protecting it too would only force more cells.
                continue
            r, c = cell
            movable = ((rise[cell] and reachable(("col", c), ("row", r), cell))
                       or (fall[cell] and reachable(("row", r), ("col", c), cell)))
            if not movable:
                pinned.add(cell)
        return pinned

    def complete(self, describe: Callable[[tuple[int, int]], str]) -> None:
        while True:
            pinned, stuck = self._line_pinned()
            if stuck:
                raise DisclosureError(
                    f"{describe(stuck[0])} would be given away by a published total: every other "
                    "cell on its line is zero or cannot be hidden. Pass that total as total_col / "
                    "total_row so it can be suppressed, or do not publish this table."
                )
            by_path = not pinned
            if by_path:
                pinned = dict.fromkeys(self.pinned(), (True, True))
            if not pinned:
                return
            # One new cell per pinned cell, except where a cell hidden this round
            # already shares its row or column: that may have freed it, and the
            # next round will tell, so the table is not over-suppressed.
            added: list[tuple[int, int]] = []
            for target in sorted(pinned):
                if any(r == target[0] or c == target[1] for r, c in added):
                    continue
                if by_path:
                    chosen = self._cheapest_way_out(target)    # shared with the plan, not re-derived
                else:
                    choice = self._choose(target, pinned)
                    chosen = [choice] if choice is not None else None
                if chosen is None and added:
                    # This round's cells may have freed it; look again first.
                    break
                if chosen is None:
                    raise DisclosureError(
                        f"{describe(target)} can be worked out even with every other non-zero cell "
                        "hidden, from the totals shown and the ranges the marks imply. Withhold this "
                        "breakdown, or pass the totals you show as total_col / total_row so they can "
                        "be hidden too."
                    )
                for cell in chosen:
                    self.complementary[cell] = True
                added.extend(chosen)



def _hidden(plan_class, df, cols, k, total_col, total_row):
    grid, _, _ = _build_grid(df, cols, k, total_col, total_row)
    plan = plan_class(grid)
    if grid.R == 0:
        return plan.hidden
    plan.complete(lambda cell: f"cell {cell}")
    return plan.hidden


@st.composite
def shaped_tables(draw):
    R = draw(st.integers(1, 14))
    C = draw(st.integers(1, 9))
    count = st.one_of(st.integers(0, 4), st.integers(0, 12), st.integers(0, 40))
    values = np.array(draw(st.lists(st.lists(count, min_size=C, max_size=C), min_size=R, max_size=R)))
    k = draw(st.sampled_from([3, 5, 11]))
    margins = draw(st.sampled_from(["none", "col", "row", "both"]))
    return values, k, margins


def _frame(values, margins):
    R, C = values.shape
    cols = [f"c{i}" for i in range(C)]
    df = pd.DataFrame(values, columns=cols, index=[f"r{i}" for i in range(R)])
    total_col = total_row = None
    if margins in ("col", "both"):
        df["total"] = values.sum(axis=1)
        total_col = "total"
    if margins in ("row", "both"):
        sums = df.sum(axis=0)
        df = pd.concat([df, pd.DataFrame([sums.to_dict()], index=["Total"])])
        total_row = "Total"
    return df, cols, total_col, total_row


@settings(max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(shaped_tables())
def test_fast_plan_hides_the_same_cells_as_the_path_search(table):
    values, k, margins = table
    df, cols, total_col, total_row = _frame(values, margins)
    try:
        expected = _hidden(ReferencePlan, df, cols, k, total_col, total_row)
    except DisclosureError as refused:
        with pytest.raises(DisclosureError) as also:
            _hidden(_Plan, df, cols, k, total_col, total_row)
        assert str(also.value) == str(refused)
        return
    assert (_hidden(_Plan, df, cols, k, total_col, total_row) == expected).all()


def test_a_long_table_like_the_briefs_top_threats():
    """760 area x market rows of small counts: the case that took a minute before."""
    rng = np.random.default_rng(7)
    women_children = rng.integers(0, 6, 760)
    other = rng.integers(0, 6, 760)
    df = pd.DataFrame({"women_children": women_children, "other": other, "victims": women_children + other})
    grid, _, _ = _build_grid(df, ["women_children", "other"], 5, "victims", None)
    fast = _Plan(grid)
    fast.complete(str)
    assert fast.complementary.sum() > 0
    # The oracle on the first 120 rows only (it is slow), against the fast plan on the same rows.
    head = df.head(120)
    assert (_hidden(_Plan, head, ["women_children", "other"], 5, "victims", None)
            == _hidden(ReferencePlan, head, ["women_children", "other"], 5, "victims", None)).all()
