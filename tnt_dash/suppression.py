"""Small-cell suppression for count tables shown outside the UN.

One module though long: the grid, the exact audit (_Plan) and the table helpers are one algorithm over
shared private structures, and each proof sits in the docstring of the code it justifies.

Pure pandas/numpy; the pages and exports call this, and the i18n layer
explains the two marks in a legend.

The reader's side, which the protection is checked against
-----------------------------------------------------------
A suppressed table is only safe if nobody can work a small count back out of
what is shown. The reader sees:

* every visible cell, exactly;
* zeros, always: a true 0 is exact and hiding it would only blur the table,
  but it also means every "<k" cell is known to be at least 1;
* "<k" for a primary cell, so it lies in 1..k-1;
* "x" for a complementary cell. These are never zero and were never below k,
  so the reader knows they are at least k. They cannot be marked "<k": that
  would publish a false figure (a hidden 17 shown as "<5");
* the row and column totals. Totals passed in as `total_col` / `total_row`
  are protected like any other cell. Totals not passed in are assumed to be
  shown, computed from the true counts, since the dashboard shows them; by
  the same policy a small one is shown as "<k" (`suppress_series_value`),
  so only its range 1..k-1 is known. A line of a single cell has no total
  separate from that cell.

The published totals give one linear equation per row and per column. A
"<k" cell is disclosed if those equations, together with the bounds above,
leave it only one possible value. An "x" cell that can be worked out gives
nothing away: it is at least k and could have been shown. Checking that no
line has exactly one hidden cell is not enough. Two blocks of hidden cells joined by a single
hidden cell give that cell away: take the sum over the rows of one block and
subtract the sum over its columns. Bounds also pin cells: a row of [1, 1, 12]
with total 14 shows "<5, <5, 12", and both hidden cells must be 1. So after
the usual line-by-line pass every "<k" cell is audited exactly (see
`_Plan.pinned`: the margins make the unknowns a network flow, so the check
is a path search), and more cells are hidden until none is pinned.

Sometimes no pattern is safe: hiding every non-zero cell still leaves a
cell pinned. Either a total the caller shows and did not hand over gives it
away, or the counts are too small for any breakdown. With k = 3, a row of
[1, 1] with total 2 reads "<3, <3" with total "<3", and two cells of at least
1 that add up to at most 2 must both be 1. DisclosureError is raised then,
and the caller must withhold the breakdown.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

COMPLEMENTARY_MARK = "x"


class DisclosureError(ValueError):
    """The table cannot be published safely with the totals the caller shows."""


def primary_mark(k: int) -> str:
    return f"<{k}"


def _check_k(k: int) -> None:
    # With zeros shown, "<2" can only mean exactly 1, so k = 2 would print the
    # value it claims to hide; k <= 1 would hide nothing.
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 3:
        raise ValueError(f"suppression threshold k must be an integer >= 3, got {k!r}")


def suppress_series_value(n: int, k: int = 5) -> int | str:
    """One published count (a KPI card, a total): "<k" for 1..k-1, else n."""
    _check_k(k)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"a count must be a non-negative integer, got {n!r}")
    return primary_mark(k) if 1 <= n < k else int(n)


@dataclass
class _Grid:
    """The table with its margins: rows 0..R-1 and columns 0..C-1 are the
    counts, row R holds the column totals and column C the row totals."""

    values: np.ndarray  # (R+1, C+1) int64
    suppressible: np.ndarray  # bool: a cell this call can hide
    published: np.ndarray  # bool: a cell the reader sees unless it is hidden
    k: int

    @property
    def R(self) -> int:
        return self.values.shape[0] - 1

    @property
    def C(self) -> int:
        return self.values.shape[1] - 1


def _counts(arr: np.ndarray, what: str) -> np.ndarray:
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{what} contain missing values; a blank cell cannot be suppressed safely")
    if np.any(arr < 0) or np.any(arr != np.round(arr)):
        raise ValueError(f"{what} must be non-negative integer counts")
    return arr.astype(np.int64)


def _build_grid(
    df: pd.DataFrame, value_cols: list[str], k: int, total_col: str | None, total_row: Hashable | None
) -> tuple[_Grid, list[int], int | None]:
    _check_k(k)
    if not value_cols:
        raise ValueError("value_cols is empty")
    missing = [c for c in [*value_cols, total_col] if c is not None and c not in df.columns]
    if missing:
        raise ValueError(f"columns not in the table: {missing}")
    if total_col is not None and total_col in value_cols:
        raise ValueError("total_col must not also be one of value_cols")
    if len(set(value_cols)) != len(value_cols):
        raise ValueError("value_cols has duplicates")

    total_pos: int | None = None
    if total_row is not None:
        loc = df.index.get_loc(total_row)
        if not isinstance(loc, (int, np.integer)):
            raise ValueError(f"total_row {total_row!r} must label exactly one row")
        total_pos = int(loc)
    # One selection from the frame, then NumPy: pandas row and column selections cost
    # about a millisecond each, and the gender page protects dozens of tables per rerun.
    cols = [*value_cols, *([total_col] if total_col is not None else [])]
    numbers = df[cols].to_numpy(dtype=float, na_value=np.nan)
    grid, data_pos = _grid(numbers, len(value_cols), k, total_col is not None, total_pos, df.index, cols)
    return grid, data_pos, total_pos


def _grid(numbers: np.ndarray, n_values: int, k: int, has_total_col: bool, total_pos: int | None,
          row_labels, col_labels: list) -> tuple[_Grid, list[int]]:
    """The grid of a count array: `n_values` value columns, then their total if `has_total_col`;
    row `total_pos` (if any) the column totals. The labels only name rows and columns in errors."""
    _check_k(k)
    total_col = col_labels[n_values] if has_total_col else None
    total_row = row_labels[total_pos] if total_pos is not None else None
    cols = list(col_labels)
    data_pos = [p for p in range(len(numbers)) if p != total_pos]

    R, C = len(data_pos), n_values
    cells = _counts(numbers[data_pos, :C], "value columns")
    values = np.zeros((R + 1, C + 1), dtype=np.int64)
    values[:R, :C] = cells
    values[:R, C] = cells.sum(axis=1)
    values[R, :C] = cells.sum(axis=0)
    values[R, C] = cells.sum()

    # A total that disagrees with its cells would make every equation below
    # wrong, and the audit would certify a table it never really checked.
    if has_total_col:
        given = _counts(numbers[data_pos, C], "total_col values")
        bad = np.flatnonzero(given != values[:R, C])
        if bad.size:
            raise ValueError(f"total_col {total_col!r} differs from the sum of value_cols "
                             f"in rows {[row_labels[data_pos[b]] for b in bad]}")
    if total_pos is not None:
        given = _counts(numbers[total_pos], "total_row values")
        bad = [c for c, g, v in zip(cols, given, values[R, : len(cols)]) if g != v]
        if bad:
            raise ValueError(f"total_row {total_row!r} differs from the column sums in {bad}")

    suppressible = np.zeros_like(values, dtype=bool)
    suppressible[:R, :C] = True
    suppressible[:R, C] = has_total_col
    suppressible[R, :C] = total_pos is not None
    suppressible[R, C] = has_total_col and total_pos is not None

    # A total of a one-cell line is that cell; nobody prints it twice.
    published = suppressible.copy()
    if not has_total_col:
        published[:R, C] = C > 1
    if total_pos is None:
        published[R, :C] = R > 1
    if has_total_col and total_pos is None:
        # The grand total is then the column total of total_col.
        published[R, C] = R > 1
    elif total_pos is not None and not has_total_col:
        # ...or the row total of total_row.
        published[R, C] = C > 1
    elif not has_total_col and total_pos is None:
        published[R, C] = R > 1 or C > 1
    return _Grid(values, suppressible, published, k), data_pos


class _Plan:
    """Which cells are hidden, and why; grows until no primary cell is pinned."""

    def __init__(self, grid: _Grid):
        self.g = grid
        v = grid.values
        small = (v >= 1) & (v < grid.k)
        self.primary = grid.suppressible & small
        self.complementary = np.zeros_like(self.primary)
        # Totals this call cannot hide, which the caller shows as "<k".
        self.small_outside = ~grid.suppressible & grid.published & small

    @property
    def hidden(self) -> np.ndarray:
        return self.primary | self.complementary

    @property
    def unknown(self) -> np.ndarray:
        return self.hidden | self.small_outside | ~self.g.published

    def _open_to_hide(self) -> np.ndarray:
        # Zeros stay visible: the reader's bounds for "x" assume it is >= k.
        g = self.g
        return g.suppressible & ~self.hidden & (g.values > 0)

    def _choose(self, target: tuple[int, int], per_row: np.ndarray, per_col: np.ndarray,
                via: tuple[bool, bool] = (True, True)) -> tuple[int, int] | None:
        """The cell to hide next for a pinned `target`; per_row/per_col count the pinned cells.

        `via` says which of the target's lines, (row, column), may take the cell. A cell pinned
        by subtraction along its row stays pinned whatever is hidden in its column, so it must
        be broken in that row: choosing from the column too once hid most of a completeness
        table's small column, one cell per round, before reaching the row. Preference, in order: an inner cell over a row or column total over the grand total
        (readers look at totals first, and the grand total is usually a headline figure
        elsewhere); a cell that also breaks more pinned cells in its crossing line; the smaller
        count; then position, so the same table always gets the same pattern."""
        R, C = self.g.R, self.g.C
        tr, tc = target
        open_to_hide = self._open_to_hide()
        near = np.zeros_like(open_to_hide)
        by_row, by_col = via
        if by_row:
            near[tr, :] = open_to_hide[tr, :]
        if by_col:
            near[:, tc] = open_to_hide[:, tc]
        # Hidden cells elsewhere can still open a path around a pinned block.
        rows, cols = np.nonzero(near if near.any() else open_to_hide)
        if rows.size == 0:
            return None
        level = (rows == R).astype(int) + (cols == C)
        # The crossing line is the cell's row if it sits in the target's column, else its
        # column. The target is pinned but never in that line, so it is not counted.
        helps = np.where(rows != tr, per_row[rows], per_col[cols])
        best = np.lexsort((cols, rows, self.g.values[rows, cols], -helps, level))[0]
        return int(rows[best]), int(cols[best])

    def _line_pinned(self) -> tuple[dict[tuple[int, int], tuple[bool, bool]], list[tuple[int, int]]]:
        """Primary cells alone among unknowns in some line: pure subtraction finds them.

        Returns each such cell with the lines that give it away, (its row, its column), and the
        stuck ones. Every row, then every column, so the first stuck cell, which the error
        message names, is always the same one."""
        unknown, primary, open_to_hide = self.unknown, self.primary, self._open_to_hide()
        pinned: dict[tuple[int, int], tuple[bool, bool]] = {}
        stuck: list[tuple[int, int]] = []
        for transposed in (False, True):
            grid_unknown = unknown.T if transposed else unknown
            lines = np.flatnonzero(grid_unknown.sum(axis=1) == 1)
            at = grid_unknown[lines].argmax(axis=1)            # the one unknown cell of each line
            cells = (at, lines) if transposed else (lines, at)
            alone = primary[cells]
            no_way_out = ~(open_to_hide.T if transposed else open_to_hide)[lines].any(axis=1)
            for r, c, is_stuck in zip(cells[0][alone], cells[1][alone], no_way_out[alone]):
                by_row, by_col = pinned.get((int(r), int(c)), (False, False))
                pinned[(int(r), int(c))] = (by_row or not transposed, by_col or transposed)
                if is_stuck:
                    stuck.append((int(r), int(c)))
        return pinned, stuck

    def _ranges(self) -> tuple[np.ndarray, np.ndarray]:
        """The range a reader knows each unknown cell lies in: <k cells 1..k-1, x cells k and up."""
        lo = np.zeros(self.g.values.shape)
        hi = np.full(self.g.values.shape, math.inf)
        small = self.primary | self.small_outside
        lo[self.complementary & ~small] = self.g.k
        lo[small], hi[small] = 1, self.g.k - 1
        return lo, hi

    def _is_total(self) -> np.ndarray:
        """Row and column totals: their line subtracts them (the grand total sits in both
        total lines, so it adds up like an inner cell)."""
        total = np.zeros(self.g.values.shape, dtype=bool)
        total[:self.g.R, self.g.C] = True
        total[self.g.R, :self.g.C] = True
        return total

    def _moves(self) -> tuple[np.ndarray, np.ndarray]:
        """(rise, fall): unknown cells with room to move by one step from their row to their
        column (rise) or back (fall); for a total, the opposite of its value's room."""
        lo, hi = self._ranges()
        up, down = self.g.values < hi, self.g.values > lo
        total = self._is_total()
        return self.unknown & np.where(total, down, up), self.unknown & np.where(total, up, down)

    def _cheapest_way_out(self, target: tuple[int, int]) -> list[tuple[int, int]] | None:
        """The fewest open cells whose hiding lets a pinned `target` move, or None if none do.

        The reader's unknowns are a flow (see `pinned`): the target moves when a cycle through
        it has room everywhere. Rows and columns are the nodes; an unknown cell with room is a
        free step, an open cell a step that costs hiding it (as "x": at least k, so it can
        always rise and can fall when it is above k). The cheapest path closing the cycle names
        the cells to hide, all at once. Choosing cell by cell near the target instead once hid a
        row's neighbours down its column, one a round, when only the row total could free it.
        Totals cost more than inner cells and larger counts a little more, as in `_choose`.
        """
        from scipy.sparse import csr_array
        from scipy.sparse.csgraph import dijkstra

        g = self.g
        R, C = g.R, g.C
        rise, fall = self._moves()
        open_to_hide = self._open_to_hide()
        total = self._is_total()
        can_fall_as_x = g.values > g.k
        new_rise = open_to_hide & np.where(total, can_fall_as_x, True)
        new_fall = open_to_hide & np.where(total, True, can_fall_as_x)
        level = np.zeros(g.values.shape)
        level[R, :] += 1
        level[:, C] += 1
        cost = 1 + 0.5 * level + 0.1 * g.values / (g.values.max() + 1)
        free = 1e-6     # csgraph reads a zero weight as no edge
        r, c = target
        ways = [(R + 1 + c, r)] if rise[r, c] else []       # rising: back from its column to its row
        ways += [(r, R + 1 + c)] if fall[r, c] else []      # falling: the other way round
        rise[r, c] = fall[r, c] = False
        # A step from row i to column j raises cell (i, j); from column j to row i lowers it.
        rows, cols = np.indices(g.values.shape)
        step_up = rise | new_rise
        step_down = fall | new_fall
        weight_up = np.where(rise, free, cost)[step_up]
        weight_down = np.where(fall, free, cost)[step_down]
        n = R + C + 2
        graph = csr_array((np.concatenate([weight_up, weight_down]),
                           (np.concatenate([rows[step_up], R + 1 + cols[step_down]]),
                            np.concatenate([R + 1 + cols[step_up], rows[step_down]]))), shape=(n, n))
        best: tuple[float, list[tuple[int, int]]] | None = None
        for start, goal in ways:
            distance, previous = dijkstra(graph, directed=True, indices=start, return_predecessors=True)
            if not np.isfinite(distance[goal]) or (best and best[0] <= distance[goal]):
                continue
            cells, node = [], goal
            while node != start:
                before = previous[node]
                cell = (before, node - R - 1) if before <= R else (node, before - R - 1)
                if open_to_hide[cell]:
                    cells.append((int(cell[0]), int(cell[1])))
                node = before
            best = (distance[goal], sorted(cells))
        return best[1] if best and best[1] else None

    def pinned(self) -> set[tuple[int, int]]:
        """Primary cells that every table consistent with what is shown agrees on.

        Each row and column is a node and each unknown cell an edge between its
        row and its column. After flipping the sign of totals, every line says
        "the edges at this node add up to a known number", which makes the
        unknowns a flow. Two tables that agree on everything shown differ by
        cycles that alternately raise and lower cells. So a cell can take
        another value exactly when it lies on such a cycle whose every cell has
        room to move by one within its bounds: a path search, not an LP.

        The search runs on the smaller side of the table (see `_movable`): a path
        search per cell over every row is far too slow for a priority table of
        hundreds of rows.
        """
        g, unknown = self.g, self.unknown
        R, C = g.R, g.C
        rise, fall = self._moves()
        asked = unknown & self.primary
        # Only small counts need protecting. A complementary cell that can be worked
        # out is a count of k or more, which could have been shown anyway.
        if not asked.any():
            return set()
        if C <= R:
            can_rise, can_fall = _movable(rise, fall, asked)
        else:
            # Transposed, a cell that rises steps from column to row: rise and fall swap roles.
            t_rise, t_fall = _movable(fall.T, rise.T, asked.T)
            can_rise, can_fall = t_fall.T, t_rise.T
        stuck = asked & ~can_rise & ~can_fall
        return {(int(r), int(c)) for r, c in np.argwhere(stuck)}

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
            # New cells for each pinned cell, except where a cell hidden this round
            # already shares its row or column: that may have freed it, and the
            # next round will tell, so the table is not over-suppressed.
            added: list[tuple[int, int]] = []
            per_row = np.bincount([r for r, _ in pinned], minlength=self.g.R + 1)
            per_col = np.bincount([c for _, c in pinned], minlength=self.g.C + 1)
            for target in sorted(pinned):
                if any(r == target[0] or c == target[1] for r, c in added):
                    continue
                if by_path:
                    chosen = self._cheapest_way_out(target)
                else:
                    choice = self._choose(target, per_row, per_col, via=pinned[target])
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


def _movable(rise: np.ndarray, fall: np.ndarray, asked: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which `asked` cells can move up, and which down, by one: (can_rise, can_fall).

    A cell (r, c) rises on a cycle that raises it (row r to column c), then comes back from
    column c to row r through other cells: lowering one (column to row), raising one (row to
    column), and so on. The way back enters row r last, through a cell (r, c2) that can fall,
    and before that it never passes through row r. So it exists exactly when column c reaches
    some column c2 != c in the graph of columns with row r left out, where a step a -> b
    needs a row (not r) whose cell in a can fall and whose cell in b can rise. Falling mirrors
    it. The column graph is small (a table has few columns), so this is a boolean matrix
    closure per row with asked cells instead of a path search per cell through every row.
    """
    rows = np.flatnonzero(asked.any(axis=1))
    n = rise.shape[1]
    steps = fall.T.astype(np.int64) @ rise.astype(np.int64)            # (a, b): rows giving a -> b
    without_row = steps[None, :, :] - (fall[rows, :, None] & rise[rows, None, :])
    reach = without_row > 0
    reach[:, np.arange(n), np.arange(n)] = False
    # Transitive closure by squaring: paths of length 1, 2, 4, ... until nothing changes.
    while True:
        longer = reach | (np.matmul(reach.astype(np.int64), reach.astype(np.int64)) > 0)
        if (longer == reach).all():
            break
        reach = longer
    other = ~np.eye(n, dtype=bool)
    # can_rise[r, c]: some c2 != c with fall[r, c2] and c ->* c2;  can_fall: rise[r, c2] and c2 ->* c.
    rise_back = (reach & (fall[rows, None, :] & other[None])).any(axis=2)
    fall_back = (reach & (rise[rows, :, None] & other[None])).any(axis=1)
    can_rise = np.zeros_like(asked)
    can_fall = np.zeros_like(asked)
    can_rise[rows] = rise[rows] & rise_back
    can_fall[rows] = fall[rows] & fall_back
    return can_rise, can_fall


def _plan(
    df: pd.DataFrame, value_cols: list[str], k: int, total_col: str | None, total_row: Hashable | None
) -> tuple[_Plan, list[int], int | None]:
    grid, data_pos, total_pos = _build_grid(df, value_cols, k, total_col, total_row)
    cols = [*value_cols, *([total_col] if total_col is not None else [])]
    return _completed(grid, data_pos, df.index, cols), data_pos, total_pos


def _completed(grid: _Grid, data_pos: list[int], row_labels, col_labels: list) -> _Plan:
    plan = _Plan(grid)
    if grid.R == 0:
        return plan

    def describe(cell: tuple[int, int]) -> str:
        r, c = cell
        row = "the total row" if r == grid.R else f"row {row_labels[data_pos[r]]!r}"
        col = "the total column" if c == grid.C else f"column {col_labels[c]!r}"
        return f"the cell at {row}, {col}"

    plan.complete(describe)
    return plan


def suppress_counts(numbers: np.ndarray, n_values: int, k: int = 5, *, total_col: bool = False,
                    total_row: int | None = None, labels: list | None = None) -> np.ndarray:
    """`suppress_table` on a plain count array, for callers that hold arrays already.

    Columns 0..n_values-1 are the counts, column n_values their row totals when `total_col`;
    row `total_row` (a position), if given, the column totals. Returns an object array of the
    same shape: ints where shown, "<k" or "x" where hidden. Raises DisclosureError as
    suppress_table does; errors name rows by position and columns by `labels` (default position)."""
    numbers = np.asarray(numbers, dtype=float)
    if numbers.ndim != 2 or numbers.shape[1] != n_values + bool(total_col) or n_values < 1:
        raise ValueError(f"expected {n_values} value columns{' and a total column' if total_col else ''}, "
                         f"got an array of shape {numbers.shape}")
    if total_row is not None and not 0 <= total_row < len(numbers):
        raise ValueError(f"total_row {total_row} is not a row of the array")
    labels = list(labels) if labels is not None else list(range(numbers.shape[1]))
    if len(labels) != numbers.shape[1]:
        raise ValueError(f"{len(labels)} labels for {numbers.shape[1]} columns")
    grid, data_pos = _grid(numbers, n_values, k, total_col, total_row, range(len(numbers)), labels)
    plan = _completed(grid, data_pos, range(len(numbers)), labels)
    return _shown(plan, data_pos, total_row, numbers.shape, k)


def _shown(plan: _Plan, data_pos: list[int], total_pos: int | None, shape: tuple[int, int], k: int) -> np.ndarray:
    """The published table in the input's layout: ints where shown, "<k" or "x" where hidden."""
    grid_rows = [*range(plan.g.R), *([plan.g.R] if total_pos is not None else [])]
    frame_rows = [*data_pos, *([total_pos] if total_pos is not None else [])]
    out = np.empty(shape, dtype=object)
    mark = primary_mark(k)
    # Whole columns at once: setting cells one by one with .iat is slow on a large table.
    for c in range(shape[1]):
        out[frame_rows, c] = [mark if small else COMPLEMENTARY_MARK if other else value
                              for small, other, value in zip(plan.primary[grid_rows, c],
                                                             plan.complementary[grid_rows, c],
                                                             plan.g.values[grid_rows, c].tolist())]
    return out


def _cell_positions(
    df: pd.DataFrame, value_cols: list[str], total_col: str | None, data_pos: list[int], total_pos: int | None
) -> Iterator[tuple[tuple[int, int], int, int]]:
    """(grid cell, df row position, df column position) for every count cell of `df`."""
    col_pos = [df.columns.get_loc(c) for c in value_cols]
    if total_col is not None:
        col_pos.append(df.columns.get_loc(total_col))
    row_pos = [*data_pos, *([total_pos] if total_pos is not None else [])]
    for r, rp in enumerate(row_pos):
        for c, cp in enumerate(col_pos):
            yield (r, c), rp, cp


def suppression_mask(
    df: pd.DataFrame,
    value_cols: list[str],
    k: int = 5,
    total_col: str | None = None,
    *,
    total_row: Hashable | None = None,
) -> pd.DataFrame:
    """True where `suppress_table` hides the cell; same index and columns as `df`."""
    plan, data_pos, total_pos = _plan(df, value_cols, k, total_col, total_row)
    hidden = plan.hidden
    mask = np.zeros(df.shape, dtype=bool)
    for cell, rp, cp in _cell_positions(df, value_cols, total_col, data_pos, total_pos):
        mask[rp, cp] = hidden[cell]
    return pd.DataFrame(mask, index=df.index, columns=df.columns)


OTHER_KEY = "__other__"


def merge_small_rows(frame: pd.DataFrame, columns: list[str], total: str, k: int, other_label: str, *,
                     key_col: str = "key", label_col: str = "label") -> tuple[pd.DataFrame, int]:
    """The rows whose `total` is under k grouped into one row (`key_col` OTHER_KEY, `label_col`
    `other_label` with {n} the number of rows), placed before the total row, which stays last. Smaller
    rows are added, smallest first, until the group has at least two rows and a total of k or more.
    Returns (frame, rows grouped); (frame unchanged, 0) when fewer than two rows could be grouped.

    For a table no pattern of hidden cells can protect: four "<5" cells in a row whose total is "<5"
    give every cell away (each is at least 1, so they add up to at most 4 only if every one is 1),
    and a "<5" total cannot be hidden as "x", which means k or more. Grouped with other small rows,
    the row can be protected; the column totals do not change."""
    frame = frame.reset_index(drop=True)
    body = frame.iloc[:-1]
    totals = body[total].to_numpy(dtype=np.int64)
    order = np.argsort(totals, kind="stable")
    group = [int(i) for i in order if totals[i] < k]
    for i in order[len(group):]:
        if len(group) >= 2 and totals[group].sum() >= k:
            break
        group.append(int(i))
    if len(group) < 2:
        return frame, 0
    kept = body.drop(index=group)
    other = {c: None for c in frame.columns}
    other.update({c: int(body.loc[group, c].sum()) for c in (*columns, total)},
                 **{key_col: OTHER_KEY, label_col: other_label.format(n=len(group))})
    out = pd.concat([kept, pd.DataFrame([other], columns=frame.columns), frame.iloc[-1:]], ignore_index=True)
    return out.astype({c: frame[c].dtype for c in (*columns, total)}), len(group)


def protect_or_group(frame: pd.DataFrame, protect: Callable[[pd.DataFrame], pd.DataFrame], columns: list[str],
                     total: str, k: int, other_label: str | None, *, key_col: str = "key",
                     label_col: str = "label") -> tuple[pd.DataFrame, int]:
    """`protect(frame)`, or, when no pattern of hidden cells can protect the table and `other_label`
    is given, `protect` of the table with its smallest rows grouped (merge_small_rows). Returns the
    protected frame and how many rows were grouped (0: none). Raises DisclosureError when neither
    can be shown: the caller withholds the table."""
    try:
        return protect(frame), 0
    except DisclosureError:
        if other_label is None:
            raise
        grouped, n = merge_small_rows(frame, columns, total, k, other_label, key_col=key_col, label_col=label_col)
        if not n:
            raise
    return protect(grouped), n


def suppress_table(
    df: pd.DataFrame,
    value_cols: list[str],
    k: int = 5,
    total_col: str | None = None,
    *,
    total_row: Hashable | None = None,
) -> pd.DataFrame:
    """Copy of `df` whose count cells are safe to show outside the UN.

    `df` holds non-negative integer counts in `value_cols` (rows are
    categories). `total_col`, if given, is each row's total; `total_row`, if
    given, labels the row of column totals. Both must equal the sums of the
    cells, and they are suppressed like any other cell. Totals not passed in
    are assumed to be shown, computed from the true counts (a small one as
    "<k", via `suppress_series_value`).

    Cells with 1 <= count < k show "<k"; zeros stay 0. More cells, never
    zeros, show "x" until no "<k" cell can be worked out from what is shown
    (see the module docstring). Shown cells keep their ints; the count
    columns become object dtype; other columns are untouched.

    Raises DisclosureError when no pattern is safe: a total not passed in
    gives a cell away, or the counts are too small for any breakdown. The
    caller must then withhold the breakdown.
    """
    plan, data_pos, total_pos = _plan(df, value_cols, k, total_col, total_row)
    out = df.copy()
    count_cols = [*value_cols, *([total_col] if total_col is not None else [])]
    shown = _shown(plan, data_pos, total_pos, (len(df), len(count_cols)), k)
    for c, col in enumerate(count_cols):
        out[col] = shown[:, c]
    return out
