"""Impacts on women and children: the tables behind the Gender Officer's page and pack.

(filters, profile) in, small protected frames out. Victims are split five ways, women,
men, girls, boys and unknown, where "unknown" is every cell whose sex or age was not
recorded (DOMAIN.md §3): unknowns are counted and shown, never spread over the known
cells. A share of female victims is taken over the victims whose sex was recorded, a
share of children over those whose age was recorded, and the unknowns sit beside it.

Small-cell protection: when profile.must_suppress(destination) says so, every
count table goes through suppression.suppress_table with its row and column totals, so
a hidden cell cannot be worked out from what is shown. A table split two ways over the
same total (sex recorded or not, age recorded or not) is protected partition by
partition, and the total is hidden wherever either partition hides it. A share is
shown only when every count it is made of is shown. Where no safe pattern exists, a victims
table by market, country or area groups its smallest rows into one (merge_small_rows); failing
that, the table is withheld (`withheld=True`), never shown half-protected.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

import numpy as np
import pandas as pd

from . import presented, queries, stats
from .access import Profile
from .config import suppression_threshold
from .filters import Filters
from .i18n import I18n, N_
from .parallel import run_parts
from .queries import BOYS, GIRLS, MEN, UNKNOWN, VICTIMS, WOMEN, _df, _lang, scope
from .suppression import (COMPLEMENTARY_MARK, OTHER_KEY, DisclosureError, primary_mark, protect_or_group,
                          suppress_counts, suppress_table)

GROUPS = ("women", "men", "girls", "boys", "unknown")
GROUP_LABELS = {"women": N_("Women"), "men": N_("Men"), "girls": N_("Girls"), "boys": N_("Boys"),
                "unknown": N_("Sex or age unknown")}

# Sex and age partitions of the same victims. Each is exhaustive: its three parts add up to VICTIMS.
FEMALE = "(i.v_female_child + i.v_female_adult + i.v_female_unknown)"
MALE = "(i.v_male_child + i.v_male_adult + i.v_male_unknown)"
SEX_UNKNOWN = "(i.v_unknown_child + i.v_unknown_adult + i.v_unknown_unknown)"
CHILD = "(i.v_female_child + i.v_male_child + i.v_unknown_child)"
ADULT = "(i.v_female_adult + i.v_male_adult + i.v_unknown_adult)"
AGE_UNKNOWN = "(i.v_female_unknown + i.v_male_unknown + i.v_unknown_unknown)"
SEX_PARTS = ("female", "male", "sex_unknown")
AGE_PARTS = ("child", "adult", "age_unknown")

COUNT_SQL = ", ".join(f"coalesce(sum({expr}), 0)::BIGINT AS {name}" for name, expr in (
    ("women", WOMEN), ("men", MEN), ("girls", GIRLS), ("boys", BOYS), ("unknown", UNKNOWN),
    ("female", FEMALE), ("male", MALE), ("sex_unknown", SEX_UNKNOWN),
    ("child", CHILD), ("adult", ADULT), ("age_unknown", AGE_UNKNOWN), ("victims", VICTIMS)))
COUNT_COLUMNS = (*GROUPS, *SEX_PARTS, *AGE_PARTS, "victims")

# Whitelist: a breakdown picks SQL from here, never from the caller's text.
# (key, label, join): the label and its join apply to the aggregated rows, alias k (key k.key).
BREAKDOWNS = {
    "market": ("i.market", "m.label_{col}", "JOIN markets m ON m.code = k.key"),
    "country": ("i.iso3", "c.name_{col}", "LEFT JOIN countries c ON c.iso3 = k.key"),
    "admin1": ("i.admin1_code", "a.name_{col} || ' (' || a.iso3 || ')'", "LEFT JOIN admin1 a ON a.code = k.key"),
    "mission": ("i.mission", "k.key", ""),
    "unit": ("i.reporting_unit", "k.key", ""),
}
BREAKDOWN_LABELS = {"market": N_("Market"), "country": N_("Country or territory"), "admin1": N_("Admin-1 area"),
                    "mission": N_("Mission"), "unit": N_("Reporting unit")}
TOTAL_KEY = "__total__"
TREND_MIN_WEEKS = stats.MIN_TREND_POINTS
DEFAULT_COMPLETENESS_THRESHOLD = 0.8
HUMAN_TRAFFICKING = "human_trafficking"
PER_POPULATION = 100_000


# --- Small-cell protection ----------------------------------------------------------------

def hidden(value) -> bool:
    """A cell a reader may not see: "<k" or "x"."""
    return isinstance(value, str)


def protect_parts(frame: pd.DataFrame, parts: list[tuple[str, ...]], total: str, k: int,
                  links: tuple[tuple[str, tuple[str, ...]], ...] = (),
                  unpublished: tuple[str, ...] = ()) -> pd.DataFrame:
    """Protect each partition of `total` (rows plus a total row last); raises DisclosureError.

    The frame's last row must be the column totals. Each partition is audited by
    suppress_table with its row and column totals; the shared total column is hidden
    wherever any partition hides it (hiding more never helps a reader).
    """
    frame = frame.reset_index(drop=True)
    last = len(frame) - 1
    columns = [*dict.fromkeys(c for part in parts for c in part), total]
    # Plain arrays from here on: pandas selections and cell access cost more than the audit did.
    truth = {c: frame[c].to_numpy(dtype=np.int64) for c in columns}
    shown: dict[str, np.ndarray] = {}
    total_marks: list = [None] * len(frame)
    for cols in parts:
        protected = suppress_counts(np.column_stack([truth[c] for c in (*cols, total)]), len(cols), k,
                                    total_col=True, total_row=last, labels=[*cols, total])
        for j, c in enumerate(cols):
            shown[c] = protected[:, j]
        for pos, value in enumerate(protected[:, len(cols)].tolist()):
            if hidden(value) and (total_marks[pos] is None or value == primary_mark(k)):
                total_marks[pos] = value
    shown[total] = np.array([mark if mark is not None else int(v) for mark, v in zip(total_marks, truth[total].tolist())],
                            dtype=object)
    if len(parts) > 1 or links:
        truth.update({c: frame[c].to_numpy(dtype=np.int64) for c in unpublished})
        shown = _joint_audit(shown, truth, parts, total, k, links, unpublished)
    out = frame.copy()
    for c in columns:
        out[c] = pd.Series(shown[c], index=out.index, dtype=object)
    return out


MAX_AUDIT_ROUNDS = 20


def _joint_audit(shown: dict[str, np.ndarray], truth: dict[str, np.ndarray], parts: list[tuple[str, ...]],
                 total: str, k: int, links: tuple[tuple[str, tuple[str, ...]], ...] = (),
                 unpublished: tuple[str, ...] = ()) -> dict[str, np.ndarray]:
    """Audit the partitions together and hide more until no "<k" cell can be worked out.

    Each partition was protected on its own, but the reader also knows that both add up to the
    same total: a partition shown in full gives away a total the other one hid. Exact check over
    everything shown (`pinned_cells`); where a "<k" cell is pinned, every other shown non-zero
    count of its row is hidden ("x": they are all k or more) and the table re-audited.
    `shown` and `truth` map each column to its cells, the total row last.
    """
    columns = [c for part in parts for c in part] + [total]
    shown = {c: np.array(shown[c], dtype=object) for c in columns}
    last = len(shown[total]) - 1

    def open_to_hide(col: str, i: int) -> bool:
        v = shown[col][i]
        return not hidden(v) and int(v) > 0

    for _round in range(MAX_AUDIT_ROUNDS):
        pinned = pinned_cells(shown, columns, total, parts, k, truth=truth, links=links, unpublished=unpublished)
        if not pinned:
            return shown
        if links:
            # Columns tied row by row open paths through other rows that the row-and-column rule
            # below does not close, and closing them by hand hid whole tables: the counts to hide
            # come from a linear program per pinned cell (`_hide_to_free`).
            _hide_to_free(shown, truth, columns, total, parts, k, links, unpublished, pinned)
            continue
        for r, c in pinned:
            # Break both ways in: its row (where the other partition gives the total away) and
            # its column (where the column total does), with the smallest shown count there.
            for col in columns:
                if open_to_hide(col, r):
                    shown[col][r] = COMPLEMENTARY_MARK
            candidates = [(int(shown[c][i]), i) for i in range(last) if i != r and open_to_hide(c, i)]
            if candidates:
                shown[c][min(candidates)[1]] = COMPLEMENTARY_MARK
            elif r != last and open_to_hide(c, last):
                shown[c][last] = COMPLEMENTARY_MARK
    raise DisclosureError("the partitions cannot be shown together without giving a small count away")


def _hide_to_free(shown: dict[str, np.ndarray], truth: dict[str, np.ndarray], columns: list[str], total: str,
                  parts: list[tuple[str, ...]], k: int, links: tuple[tuple[str, tuple[str, ...]], ...],
                  unpublished: tuple[str, ...], pinned: list[tuple[int, str]]) -> None:
    """Hide (in `shown`) counts that let the `pinned` "<k" cells take other values.

    For each pinned cell in turn, a linear program over the tables the reader's model allows (see
    `pinned_cells`) moves it one up (or, failing that, one down) while shown counts may move too,
    at a cost per unit moved (five on the total row, so totals are the last to go), as long as
    they stay k or more (they would then read "x"); shown zeros stay zero (no mark says "perhaps
    zero"). The counts that moved are hidden before the next cell's program. A linear program,
    not an integer one: a few milliseconds where the integer program of the fewest cells ran for
    minutes; `_joint_audit` audits the result exactly and comes back for any cell still pinned.
    Raises DisclosureError when a pinned cell cannot move at all."""
    from scipy import sparse
    from scipy.optimize import linprog

    rows = len(shown[total])
    last = rows - 1
    mark = primary_mark(k)
    names = [*columns, *unpublished]
    cells = [(r, c) for r in range(rows) for c in names]
    index = {cell: i for i, cell in enumerate(cells)}
    n = len(cells)
    # What every table the reader allows satisfies, in the cells alone: the partitions, the links
    # and the column sums.
    equations = [{**{index[(r, c)]: 1.0 for c in part}, index[(r, total)]: -1.0} for part in parts for r in range(rows)]
    equations += [{index[(r, lhs)]: 1.0, **{index[(r, c)]: -1.0 for c in of}} for lhs, of in links for r in range(rows)]
    equations += [{**{index[(r, c)]: 1.0 for r in range(last)}, index[(last, c)]: -1.0} for c in names]

    def sparse_rows(terms: list[dict[int, float]], width: int):
        data = [(row, i, a) for row, t in enumerate(terms) for i, a in t.items()]
        return sparse.csr_array(([a for *_, a in data], ([r for r, *_ in data], [i for _, i, _ in data])),
                                shape=(len(terms), width))

    for target in pinned:
        lo, hi = np.zeros(n), np.full(n, np.inf)
        movable = []     # (cell's variable, shown value, cost per unit moved)
        for (r, c), i in index.items():
            if c not in shown:
                continue                                    # unpublished: 0 or more
            v = shown[c][r]
            if v == mark:
                lo[i], hi[i] = 1, k - 1
            elif hidden(v):
                lo[i] = k
            elif int(v) == 0:
                hi[i] = 0
            else:
                lo[i] = k
                movable.append((i, int(v), 5.0 if r == last else 1.0))
        m = len(movable)
        width = n + 2 * m     # the cells, then each movable count's rise and fall
        moves = [{i: 1.0, n + 2 * j: -1.0, n + 2 * j + 1: 1.0} for j, (i, _v, _w) in enumerate(movable)]
        matrix = sparse.vstack([sparse_rows(equations, width), sparse_rows(moves, width)])
        rhs = [0.0] * len(equations) + [float(v) for _i, v, _w in movable]   # cell = value + rise - fall
        cost = np.zeros(width)
        for j, (_i, _v, weight) in enumerate(movable):
            cost[n + 2 * j] = cost[n + 2 * j + 1] = weight
        target_var, value = index[target], int(truth[target[1]][target[0]])
        found = None
        for low, high in ((value + 1, k - 1), (1, value - 1)):
            if low > high:
                continue
            bounds = [(a, None if b == np.inf else b) for a, b in zip(lo, hi)] + [(0, None)] * (2 * m)
            bounds[target_var] = (low, high)
            result = linprog(cost, A_eq=matrix, b_eq=rhs, bounds=bounds, method="highs")
            if result.status == 0:
                found = result
                break
        if found is None:
            raise DisclosureError("a small count cannot be freed by hiding more")
        for j, (i, _v, _w) in enumerate(movable):
            if found.x[n + 2 * j] + found.x[n + 2 * j + 1] > 1e-7:
                r, c = cells[i]
                shown[c][r] = COMPLEMENTARY_MARK


def pinned_cells(shown: pd.DataFrame, columns: list[str], total: str, parts: list[tuple[str, ...]],
                 k: int, truth: pd.DataFrame | None = None, witness_rounds: int = 6,
                 method: str = "auto", links: tuple[tuple[str, tuple[str, ...]], ...] = (),
                 unpublished: tuple[str, ...] = ()) -> list[tuple[int, str]]:
    """The "<k" cells of `shown` (rows, then a total row last) whose value every table consistent
    with what is shown agrees on. The reader's model: "<k" is 1..k-1, "x" at least k, shown cells
    exact, each partition adds up to the row's total, and the last row is the column sums.
    `links` adds what the reader also knows of each row, a column equal to the sum of others, in
    terms of `unpublished` columns too: counts nobody shows (0 or more; their truth comes with
    `truth`), such as the females of unknown age that tie the sex column to the groups.

    A cell is pinned when its smallest and largest possible values (two integer programs) are
    equal. Two consistent tables that differ in a cell already prove it is not pinned, so
    `witness_rounds` programs first push all the undecided small cells down together, then up,
    and every cell that moved is settled at once; only the rest get their own two programs.
    The answer is the same (tests/test_gender.py compares with witness_rounds=0); the number of
    programs fell from about 700 to a few dozen on a 250-row table.

    With two partitions and the true table at hand (the audit's case), no program is needed:
    `_pinned_by_flow` decides every cell by a path search. `method="milp"` forces the programs.
    """
    from scipy import sparse
    from scipy.optimize import Bounds, LinearConstraint, milp

    cell_of = {c: np.asarray(shown[c]) for c in columns}      # DataFrame.at costs ~50 µs a cell
    n_rows = len(cell_of[total])                              # `shown` may be a frame or a dict of columns
    mark = primary_mark(k)
    index = {(r, c): None for r in range(n_rows) for c in columns if hidden(cell_of[c][r])}
    if not any(cell_of[c][r] == mark for r, c in index):
        return []
    index.update({(r, c): None for c in unpublished for r in range(n_rows)})
    index = {cell: i for i, cell in enumerate(index)}
    n = len(index)
    free = {c: None for c in unpublished}
    lo = np.array([0 if c in free else 1 if cell_of[c][r] == mark else k for r, c in index], dtype=float)
    hi = np.array([np.inf if c in free else k - 1 if cell_of[c][r] == mark else np.inf for r, c in index])
    if method not in ("auto", "milp"):
        raise ValueError(f"method must be 'auto' or 'milp', not {method!r}")
    if method == "auto" and truth is not None and len(parts) == 2 and not links:
        truth_of = {c: np.asarray(truth[c]) for c in columns}
        reference = np.array([float(truth_of[c][r]) for r, c in index])
        return _pinned_by_flow(index, lo, hi, reference, total, parts, n_rows - 1,
                               [i for (r, c), i in index.items() if cell_of[c][r] == mark])
    matrix, rhs = [], []

    def equation(terms: list[tuple[int, str, int]]) -> None:
        coeffs, const = np.zeros(n), 0
        for r, c, sign in terms:
            if (r, c) in index:
                coeffs[index[(r, c)]] += sign
            else:
                const += sign * int(cell_of[c][r])
        if coeffs.any():
            matrix.append(coeffs)
            rhs.append(-const)

    last = n_rows - 1
    for part in parts:
        for r in range(n_rows):
            equation([(r, c, 1) for c in part] + [(r, total, -1)])
    for lhs, rhs_columns in links:
        for r in range(n_rows):
            equation([(r, lhs, 1)] + [(r, c, -1) for c in rhs_columns])
    for c in (*columns, *unpublished):
        equation([(r, c, 1) for r in range(last)] + [(last, c, -1)])
    # Sparse: each equation touches a handful of the cells, and milp converts a dense matrix on every call.
    constraints = [LinearConstraint(sparse.csr_array(np.array(matrix)), rhs, rhs)] if matrix else []

    def solve(objective: np.ndarray) -> np.ndarray:
        result = milp(objective, constraints=constraints, integrality=np.ones(n), bounds=Bounds(lo, hi))
        if not result.success:
            raise DisclosureError(f"the disclosure audit could not be solved: {result.message}")
        return np.round(result.x)

    small = [i for (r, c), i in index.items() if c not in free and cell_of[c][r] == mark]
    # A consistent table to compare against: the truth when the caller has it, else a first solution.
    truth_of = {c: np.asarray(truth[c]) for c in (*columns, *unpublished)} if truth is not None else {}
    reference = (solve(np.zeros(n)) if truth is None
                 else np.array([float(truth_of[c][r]) for r, c in index]))
    undecided, stalled = set(small), 0
    for round_ in range(witness_rounds):
        if not undecided or stalled == 2:
            break
        # Push every undecided cell away from its reference value, down where it has room below
        # (up on odd rounds where it has room above), all in one program.
        objective = np.zeros(n)
        for i in undecided:
            room_below, room_above = reference[i] > lo[i], reference[i] < hi[i]
            down = room_below and (round_ % 2 == 0 or not room_above)
            objective[i] = 1.0 if down else -1.0
        witness = solve(objective)
        moved = {i for i in undecided if witness[i] != reference[i]}
        stalled = 0 if moved else stalled + 1
        undecided -= moved
    pinned = []
    for (r, c), i in index.items():
        if i not in undecided or c in free:
            continue
        found = []
        for sense in (1.0, -1.0):
            objective = np.zeros(n)
            objective[i] = sense
            found.append(solve(objective)[i])
            if reference is not None and found[-1] != reference[i]:
                break   # another value fits what is shown: not pinned, no need for the other bound
        if len(found) == 2 and found[0] == found[1]:
            pinned.append((r, c))
    return pinned


def _pinned_by_flow(index: dict[tuple[int, str], int], lo: np.ndarray, hi: np.ndarray, reference: np.ndarray,
                    total: str, parts: list[tuple[str, ...]], last: int, small: list[int]) -> list[tuple[int, str]]:
    """`pinned_cells` for two partitions of a shown total, from a consistent table, without a solver.

    Drop the total column's own equation (the first partition and the column sums imply it) and
    give each equation a sign: row r of the first partition +cells -total, of the second
    -cells +total; column sums the other way round; the total row's equations reversed. Then every
    hidden cell appears in exactly two equations with opposite signs: the equations are a network.
    Two tables that agree on everything shown differ by cycles in it, so a cell can take another
    value exactly when some cycle through it has room in every cell it passes (the argument
    suppression._Plan.pinned makes for one partition). One path search per small cell; the integer
    programs give the same answer (tests/test_gender.py) at about ten times the cost.
    """
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import connected_components

    first, second = parts
    rows = last + 1
    column_node = {c: 2 * rows + j for j, c in enumerate([*first, *second])}
    plus, minus = np.empty(len(index), dtype=np.int64), np.empty(len(index), dtype=np.int64)
    for (r, c), i in index.items():
        row_a, row_b = r, rows + r          # the row's equation in the first and in the second partition
        if c == total:
            plus[i], minus[i] = (row_a, row_b) if r == last else (row_b, row_a)
        elif c in first:
            plus[i], minus[i] = (column_node[c], row_a) if r == last else (row_a, column_node[c])
        else:
            plus[i], minus[i] = (row_b, column_node[c]) if r == last else (column_node[c], row_b)
    # Raising a cell takes one unit from its minus node to its plus node; lowering it, back.
    up, down = reference < hi, reference > lo
    cell_of_arc = np.concatenate([np.flatnonzero(up), np.flatnonzero(down)])
    tails = np.concatenate([minus[up], plus[down]])
    heads = np.concatenate([plus[up], minus[down]])
    nodes = 2 * rows + len(column_node)
    graph = csr_array((np.ones(len(tails)), (tails, heads)), shape=(nodes, nodes))
    _, component = connected_components(graph, directed=True, connection="strong")
    arcs_from: list[list[tuple[int, int]]] = [[] for _ in range(nodes)]
    for tail, head, cell in zip(tails.tolist(), heads.tolist(), cell_of_arc.tolist()):
        arcs_from[tail].append((head, cell))

    def reaches(start: int, goal: int, without: int) -> bool:
        seen, todo = {start}, [start]
        while todo:
            for head, cell in arcs_from[todo.pop()]:
                if cell != without and head not in seen:
                    if head == goal:
                        return True
                    seen.add(head)
                    todo.append(head)
        return False

    cell_at = {i: cell for cell, i in index.items()}
    pinned = []
    for i in small:
        p, m = int(plus[i]), int(minus[i])
        # Every cycle lies within one strongly connected component. A cell with room one way only
        # is on a cycle exactly when its two nodes share one (a simple path back never uses its own
        # arc); a cell with room both ways is, trivially, so the way back is searched without it.
        if component[p] != component[m]:
            movable = False
        elif up[i] and down[i]:
            movable = reaches(p, m, i) or reaches(m, p, i)
        else:
            movable = True
        if not movable:
            pinned.append(cell_at[i])
    return sorted(pinned, key=lambda cell: index[cell])


def _share(num, den_parts: list) -> float | None:
    """num / sum(den_parts), or None when any of them is hidden or the denominator is zero."""
    if hidden(num) or any(hidden(p) for p in den_parts):
        return None
    den = sum(int(p) for p in den_parts)
    return int(num) / den if den else None


@dataclass
class Table:
    """One protected table: `frame` holds ints where shown and "<k"/"x" where hidden. `merged` counts
    the rows grouped into one OTHER_KEY row so that the rest could be shown (see _protect)."""
    frame: pd.DataFrame
    withheld: bool = False
    suppressed: bool = False
    merged: int = 0

    def other_label(self) -> str | None:
        """The label of the grouped row ("Other admin-1 areas (7)"), None when nothing was grouped."""
        if not self.merged:
            return None
        return self.frame.loc[self.frame["key"] == OTHER_KEY, "label"].iloc[0]


def _with_total(frame: pd.DataFrame, columns: tuple[str, ...], label: str, key_col: str = "key") -> pd.DataFrame:
    total = {key_col: TOTAL_KEY, "label": label, **{c: int(frame[c].sum()) for c in columns}}
    # Column by column, one frame built at the end: pd.concat reconciled every column's dtype and
    # cost more than the rest of building a gender table.
    return pd.DataFrame({c: [*frame[c].tolist(), total.get(c)] for c in frame.columns})


def _protect(frame: pd.DataFrame, parts: list[tuple[str, ...]], total: str, suppress: bool,
             other_label: str | None = None, links: tuple[tuple[str, tuple[str, ...]], ...] = (),
             unpublished: tuple[str, ...] = ()) -> Table:
    """Protect `frame` (total row last), or withhold it. With `other_label` (a template with {n}), a
    table no pattern of hidden cells can protect is shown with its smallest rows grouped instead
    (suppression.protect_or_group): without it, the shared screen's admin-1 table of human
    trafficking at 1M incidents was withheld whole for one row of four 1s."""
    if not suppress or frame.empty:
        return Table(frame.reset_index(drop=True), suppressed=suppress)
    k = suppression_threshold()
    columns = [*dict.fromkeys(c for part in parts for c in part)]
    def protect(f: pd.DataFrame) -> pd.DataFrame:
        if not unpublished:
            return protect_parts(f, parts, total, k)
        return protect_parts(_with_unknowns(f), parts, total, k, links, unpublished).drop(columns=list(unpublished))

    try:
        shown, grouped = protect_or_group(frame, protect, columns, total, k, other_label)
    except DisclosureError:
        return Table(frame.iloc[0:0].reset_index(drop=True), withheld=True, suppressed=True)
    return Table(shown, suppressed=True, merged=grouped)


def _other_label(t: I18n, by: str) -> str | None:
    return t.gettext(presented.OTHER_LABELS[by]) if by in presented.OTHER_LABELS else None


# --- Queries ----------------------------------------------------------------------------------

def counts_by(con, filters: Filters, profile: Profile, lang: str, by: str,
              where_extra: str = "TRUE") -> pd.DataFrame:
    """Every victim count of COUNT_COLUMNS per `by` value, rows with victims only, largest first."""
    try:
        key_sql, label_sql, join = BREAKDOWNS[by]
    except KeyError:
        raise ValueError(f"unknown breakdown {by!r}; expected one of {', '.join(BREAKDOWNS)}") from None
    col = _lang(lang)
    where, params = scope(filters, profile)
    # Counted first, labelled after: the join touches the result rows, not every record.
    return _df(con, f"""
        WITH k AS (SELECT {key_sql} AS key, {COUNT_SQL}
                   FROM incidents i WHERE {where} AND {where_extra}
                   GROUP BY 1 HAVING sum({VICTIMS}) > 0)
        SELECT k.key, {label_sql.format(col=col)} AS label, k.* EXCLUDE (key)
        FROM k {join.format(col=col)}
        ORDER BY k.victims DESC, k.key NULLS LAST""", params)


def _fill_labels(frame: pd.DataFrame, t: I18n, by: str) -> pd.DataFrame:
    # Cybercrime records carry no place, and some records no reporting unit: say so in words.
    missing = {"country": N_("Online, no place"), "admin1": N_("No admin-1 area recorded"),
               "mission": N_("No mission recorded"), "unit": N_("No reporting unit recorded")}.get(by)
    if missing and frame["label"].isna().any():
        frame = frame.assign(label=frame["label"].fillna(t.gettext(missing)))
    return frame


def groups_table(con, filters: Filters, profile: Profile, t: I18n, by: str, destination: str) -> Table:
    """Women, men, girls, boys and unknown per market, country or admin-1, with a total row; where a
    shares table exists for the breakdown, protected as the page shows it, beside that table."""
    frame = _fill_labels(counts_by(con, filters, profile, t.lang, by), t, by)
    suppress = profile.must_suppress(destination)
    if by in SHARE_BREAKDOWNS:
        return build_joint(frame, t.gettext("Total"), suppress, _other_label(t, by))[0]
    return build_groups(frame, t.gettext("Total"), suppress, _other_label(t, by))


def build_groups(counts: pd.DataFrame, total_label: str, suppress: bool, other_label: str | None = None) -> Table:
    """The groups table from a counts_by() frame: pure, so it can be tested on any counts.
    `other_label`: see _protect."""
    frame = counts[["key", "label", *GROUPS, "victims"]]
    if frame.empty:
        return Table(frame, suppressed=suppress)
    frame = _with_total(frame, (*GROUPS, "victims"), total_label)
    return _protect(frame, [GROUPS], "victims", suppress, other_label)


HEATMAP_MIN_VICTIMS = 10


@dataclass
class HeatmapRows:
    """The rows of the groups heatmap: labels, counts per group (ints, or their "<5"/"x" mark) and
    each count's share of its row's victims (None where the cell or its total is hidden)."""
    labels: list[str]
    counts: list[list]
    shares: list[list]


def heatmap_rows(table: Table, min_victims: int = HEATMAP_MIN_VICTIMS) -> HeatmapRows:
    """The rows worth colouring: a market with 1 victim would show 100 %. Rows with fewer than
    `min_victims` victims, or a hidden total, stay in the table only. Plain lists: the page draws
    these few rows on every rerun, and pandas selections cost more than the figure."""
    f = table.frame
    rows = [(label, cells, total) for key, label, total, *cells in
            zip(f["key"].tolist(), f["label"].tolist(), f["victims"].tolist(), *(f[g].tolist() for g in GROUPS))
            if key != TOTAL_KEY and not hidden(total) and int(total) >= min_victims]
    return HeatmapRows(labels=[label for label, _, _ in rows], counts=[cells for _, cells, _ in rows],
                       shares=[[None if hidden(v) or not total else int(v) / int(total) for v in cells]
                               for _, cells, total in rows])


def shares_table(con, filters: Filters, profile: Profile, t: I18n, by: str, destination: str) -> Table:
    """Share of female victims (of those with sex recorded) and of children (of those with age
    recorded), with every count the shares are made of, including the unknowns."""
    frame = _fill_labels(counts_by(con, filters, profile, t.lang, by), t, by)
    suppress = profile.must_suppress(destination)
    if by in SHARE_BREAKDOWNS:
        return build_joint(frame, t.gettext("Total"), suppress, _other_label(t, by))[1]
    return build_shares(frame, t.gettext("Total"), suppress, _other_label(t, by))


def build_shares(counts: pd.DataFrame, total_label: str, suppress: bool, other_label: str | None = None) -> Table:
    """The shares table from a counts_by() frame: pure, so it can be tested on any counts.
    `other_label`: see _protect. Shown beside the groups table, protect both with `build_joint`."""
    frame = counts[["key", "label", "victims", *SEX_PARTS, *AGE_PARTS]]
    if frame.empty:
        return Table(frame.assign(share_female=[], share_child=[], sex_recorded=[]), suppressed=suppress)
    frame = _with_total(frame, ("victims", *SEX_PARTS, *AGE_PARTS), total_label)
    return _with_shares(_protect(frame, [SEX_PARTS, AGE_PARTS], "victims", suppress, other_label))


def _with_shares(table: Table) -> Table:
    if table.withheld:
        return table
    f = table.frame
    f["share_female"] = [_share(fe, [fe, m]) for fe, m in zip(f["female"], f["male"])]
    f["share_child"] = [_share(c, [c, a]) for c, a in zip(f["child"], f["adult"])]
    f["sex_recorded"] = [None if hidden(fe) or hidden(m) else int(fe) + int(m) for fe, m in zip(f["female"], f["male"])]
    return table


# The counts nobody shows that tie the shares table to the groups table, row by row: the groups
# lump every victim of unknown sex or age together, the sex and age columns split them by what was
# recorded. Side by side, the two tables gave hidden cells away through these (arms trafficking in
# Haiti: no unknowns, so adults = women + men and female = women + girls, and both "<5" fell out).
UNKNOWN_PARTS = ("female_age_unknown", "male_age_unknown", "child_sex_unknown", "adult_sex_unknown",
                 "both_unknown")
GROUP_LINKS = (
    ("unknown", UNKNOWN_PARTS),
    ("female", ("women", "girls", "female_age_unknown")),
    ("male", ("men", "boys", "male_age_unknown")),
    ("sex_unknown", ("child_sex_unknown", "adult_sex_unknown", "both_unknown")),
    ("child", ("girls", "boys", "child_sex_unknown")),
    ("adult", ("women", "men", "adult_sex_unknown")),
    ("age_unknown", ("female_age_unknown", "male_age_unknown", "both_unknown")),
)


def _with_unknowns(frame: pd.DataFrame) -> pd.DataFrame:
    """UNKNOWN_PARTS worked out from the published counts (each row, the total row included)."""
    c = {name: frame[name].to_numpy(dtype=np.int64) for name in (*GROUPS, *SEX_PARTS, *AGE_PARTS)}
    child_sex_unknown = c["child"] - c["girls"] - c["boys"]
    adult_sex_unknown = c["adult"] - c["women"] - c["men"]
    return frame.assign(female_age_unknown=c["female"] - c["women"] - c["girls"],
                        male_age_unknown=c["male"] - c["men"] - c["boys"],
                        child_sex_unknown=child_sex_unknown, adult_sex_unknown=adult_sex_unknown,
                        both_unknown=c["sex_unknown"] - child_sex_unknown - adult_sex_unknown)


def build_joint(counts: pd.DataFrame, total_label: str, suppress: bool,
                other_label: str | None = None) -> tuple[Table, Table]:
    """The groups and shares tables of one breakdown, shown side by side: protected together
    (one audit over both, with GROUP_LINKS), so that neither gives away what the other hides."""
    if not suppress or counts.empty:
        return (build_groups(counts, total_label, suppress, other_label),
                build_shares(counts, total_label, suppress, other_label))
    columns = (*GROUPS, *SEX_PARTS, *AGE_PARTS, "victims")
    frame = _with_total(counts[["key", "label", *columns]], columns, total_label)
    both = _protect(frame, [GROUPS, SEX_PARTS, AGE_PARTS], "victims", suppress, other_label,
                    links=GROUP_LINKS, unpublished=UNKNOWN_PARTS)

    def part(names: tuple[str, ...]) -> Table:
        return Table(both.frame[["key", "label", *names]].copy(), withheld=both.withheld,
                     suppressed=both.suppressed, merged=both.merged)
    return part((*GROUPS, "victims")), _with_shares(part(("victims", *SEX_PARTS, *AGE_PARTS)))


# --- Trend --------------------------------------------------------------------------------------

@dataclass
class Trend:
    weeks: list[date]
    values: list[int | None]     # None where the week's count is hidden
    marks: list[int | str]       # what a table shows: the count, "<k" or "x"
    result: stats.TrendResult
    total: int | str


def trend(con, filters: Filters, profile: Profile, destination: str, end: date | None = None) -> Trend:
    """Weekly women-and-children victims over the complete weeks of the period, and a
    Mann-Kendall test on them (the test sees the true counts; only its verdict is shown)."""
    last = queries.last_complete_week(con, profile, today=end)
    if filters.date_to:
        last = min(last, queries.week_start(filters.date_to + timedelta(days=1)) - timedelta(days=7))
    start = filters.date_from or queries.first_date(con, filters, profile) or last
    first = queries.week_start(start + timedelta(days=6))   # the first week wholly inside the period
    if first > last:
        first = last
    frame = queries.weekly_kpis(con, filters, profile, first, last)
    values = [int(v) for v in frame["women_children"]]
    result = stats.mann_kendall(values)
    marks: list[int | str] = list(values)
    total: int | str = sum(values)
    if profile.must_suppress(destination) and values:
        table = pd.DataFrame({"wc": values + [sum(values)]})
        try:
            protected = suppress_table(table, ["wc"], k=suppression_threshold(), total_row=len(values))["wc"].tolist()
        except DisclosureError:
            protected = [COMPLEMENTARY_MARK] * (len(values) + 1)
        marks, total = protected[:-1], protected[-1]
    return Trend(weeks=list(frame["week"]), values=[None if hidden(m) else int(m) for m in marks],
                 marks=marks, result=result, total=total)


def trend_sentence(t: I18n, result: stats.TrendResult) -> str:
    _ = t.gettext
    if result.insufficient:
        return _("Too few weeks to test a trend (at least {n} are needed).").format(n=TREND_MIN_WEEKS)
    if result.direction == "rising":
        return _("Rising, significant at 95 % (Mann–Kendall, p = {p}).").format(p=t.number(result.p_value, 3))
    if result.direction == "falling":
        return _("Falling, significant at 95 % (Mann–Kendall, p = {p}).").format(p=t.number(result.p_value, 3))
    return _("No clear trend (Mann–Kendall, p = {p}).").format(p=t.number(result.p_value, 3))


# --- Completeness of disaggregation -------------------------------------------------------------

COMPLETENESS_SQL = f"""
    coalesce(sum({VICTIMS}), 0)::BIGINT AS victims,
    coalesce(sum({FEMALE} + {MALE}), 0)::BIGINT AS sex_recorded,
    coalesce(sum({SEX_UNKNOWN}), 0)::BIGINT AS sex_unknown,
    coalesce(sum({CHILD} + {ADULT}), 0)::BIGINT AS age_recorded,
    coalesce(sum({AGE_UNKNOWN}), 0)::BIGINT AS age_unknown"""
COMPLETENESS_PARTS = [("sex_recorded", "sex_unknown"), ("age_recorded", "age_unknown")]
COMPLETENESS_COUNTS = ("victims", "sex_recorded", "sex_unknown", "age_recorded", "age_unknown")
SHARE_COLUMNS = ("share_sex", "share_sex_lo", "share_sex_hi", "share_age", "share_age_lo", "share_age_hi")


def share_bounds(recorded, unknown, total, k: int) -> tuple[float, float] | None:
    """What a reader can tell of recorded / total from the marks alone: the exact share when both
    parts are shown, a range when one part reads "<k" and the total is shown, else None.

    The range reveals nothing the marks do not already say ("<k" means 1 to k-1), and it keeps the
    completeness check usable on protected screens, where the unknowns are typically small.
    """
    if hidden(total) or not int(total):
        return None
    v = int(total)
    if not hidden(recorded) and not hidden(unknown):
        return int(recorded) / v, int(recorded) / v
    lo, hi = 0, v
    if unknown == primary_mark(k):
        lo, hi = max(lo, v - (k - 1)), min(hi, v - 1)
    if recorded == primary_mark(k):
        lo, hi = max(lo, 1), min(hi, k - 1)
    if unknown != primary_mark(k) and recorded != primary_mark(k):
        return None
    return lo / v, hi / v


def _completeness_shares(table: Table, prefix: str = "") -> Table:
    f = table.frame
    k = suppression_threshold()
    shares = {}
    for what in ("sex", "age"):
        bounds = [share_bounds(r, u, v, k) for r, u, v in zip(f[f"{what}_recorded"].tolist(),
                                                              f[f"{what}_unknown"].tolist(), f["victims"].tolist())]
        shares[f"share_{what}"] = [b[0] if b and b[0] == b[1] else None for b in bounds]
        shares[f"share_{what}_lo"] = [b[0] if b else None for b in bounds]
        shares[f"share_{what}_hi"] = [b[1] if b else None for b in bounds]
    # Joined once: six columns set one by one were six pandas inserts.
    table.frame = pd.concat([f.drop(columns=[c for c in shares if c in f.columns]),
                             pd.DataFrame(shares, index=f.index)], axis=1)
    return table


def completeness_monthly(con, filters: Filters, profile: Profile, by: str, destination: str) -> Table:
    """Share of victims with sex recorded and with age recorded, per mission or reporting unit and month."""
    if by not in ("mission", "unit"):
        raise ValueError(f"completeness is by mission or unit, not {by!r}")
    key_sql = BREAKDOWNS[by][0]
    where, params = scope(filters, profile)
    frame = _df(con, f"""
        SELECT {key_sql} AS key, date_trunc('month', i.date_occurred)::DATE AS month, {COMPLETENESS_SQL}
        FROM incidents i WHERE {where}
        GROUP BY 1, 2 HAVING sum({VICTIMS}) > 0 ORDER BY 1 NULLS LAST, 2""", params)
    frame["label"] = frame["key"]
    frame["month"] = [pd.Timestamp(m).date() for m in frame["month"]]
    if frame.empty:
        return _completeness_shares(Table(frame))
    frame = _with_total(frame, COMPLETENESS_COUNTS, "Total")
    table = _protect(frame, COMPLETENESS_PARTS, "victims", profile.must_suppress(destination))
    table.frame = table.frame[table.frame["key"] != TOTAL_KEY].reset_index(drop=True) if not table.withheld \
        else table.frame
    return _completeness_shares(table)


@dataclass(frozen=True)
class JudgedMonth:
    """The days reporting units are judged on: a whole calendar month, or part of one when the
    period holds no whole month."""
    first: date
    last: date

    @property
    def whole(self) -> bool:
        return self.first.day == 1 and (self.last + timedelta(days=1)).day == 1

    def label(self, t: I18n, pattern: str = "MMMM y") -> str:
        if self.whole:
            return t.date(self.first, pattern)
        return t.gettext("{start} to {end}").format(start=t.date(self.first), end=t.date(self.last))


def judged_month(start: date | None, end: date) -> JudgedMonth:
    """The last whole calendar month of the period from `start` (None: open) to `end`.

    A month cut short by the period's end would judge a unit on a few days of returns (a period
    ending on 2 June judged 6 units on two days, where May judges 55), so a period that does not end
    on a month's last day is judged on the month before. Only when the period holds no whole month
    is the part of its last month inside it judged, and labelled with its dates."""
    first = end.replace(day=1)
    if (end + timedelta(days=1)).day == 1:
        return JudgedMonth(first, end)
    previous_last = first - timedelta(days=1)
    if start is None or start <= previous_last.replace(day=1):
        return JudgedMonth(previous_last.replace(day=1), previous_last)
    return JudgedMonth(max(first, start), end)


def completeness_units(con, filters: Filters, profile: Profile, t: I18n, destination: str,
                       month: JudgedMonth | None = None) -> tuple[Table, JudgedMonth | None]:
    """Per reporting unit: completeness over the period and in the month it is judged on (`month`,
    default `judged_month` of the period), with the unit's mission."""
    where, params = scope(filters, profile)
    end = filters.date_to or queries.data_status(con, filters, profile)["date_max"]
    if end is None:
        return Table(pd.DataFrame()), None
    month = month or judged_month(filters.date_from, end)
    in_month = "i.date_occurred BETWEEN ? AND ?"
    frame = _df(con, f"""
        SELECT i.reporting_unit AS key, any_value(i.mission) AS mission, {COMPLETENESS_SQL},
               coalesce(sum({VICTIMS}) FILTER (WHERE {in_month}), 0)::BIGINT AS last_victims,
               coalesce(sum({FEMALE} + {MALE}) FILTER (WHERE {in_month}), 0)::BIGINT AS last_sex_recorded,
               coalesce(sum({SEX_UNKNOWN}) FILTER (WHERE {in_month}), 0)::BIGINT AS last_sex_unknown,
               coalesce(sum({CHILD} + {ADULT}) FILTER (WHERE {in_month}), 0)::BIGINT AS last_age_recorded,
               coalesce(sum({AGE_UNKNOWN}) FILTER (WHERE {in_month}), 0)::BIGINT AS last_age_unknown
        FROM incidents i WHERE {where}
        GROUP BY 1 HAVING sum({VICTIMS}) > 0 ORDER BY 1 NULLS LAST""", [month.first, month.last] * 5 + params)
    suppress = profile.must_suppress(destination)
    if frame.empty:
        empty = frame.assign(mission=frame["mission"].fillna("–"),
                             label=frame["key"].fillna(t.gettext("No reporting unit recorded")),
                             **{c: [] for c in SHARE_COLUMNS}, **{f"last_{c}": [] for c in SHARE_COLUMNS})
        return Table(empty, suppressed=suppress), month
    # Plain lists in, one frame per table out: the pandas steps in between (fills, renames, a
    # filter, a merge) cost more than the disclosure audit.
    total_label = t.gettext("Total")
    keys = frame["key"].astype(object).where(frame["key"].notna(), None).tolist()
    labels = [t.gettext("No reporting unit recorded") if k is None else k for k in keys]
    missions = frame["mission"].fillna("–").tolist()
    period_counts = {c: frame[c].to_numpy(dtype=np.int64) for c in COMPLETENESS_COUNTS}
    last_counts = {c: frame[f"last_{c}"].to_numpy(dtype=np.int64) for c in COMPLETENESS_COUNTS}
    period = pd.DataFrame({"key": [*keys, TOTAL_KEY], "label": [*labels, total_label], "mission": [*missions, ""],
                           **{c: [*v.tolist(), int(v.sum())] for c, v in period_counts.items()}})
    whole = _completeness_shares(_protect(period, COMPLETENESS_PARTS, "victims", suppress))
    if whole.withheld:
        return whole, month
    # The units with victims in the last month, and where each sits in the period table.
    rows = np.flatnonzero(last_counts["victims"] > 0)
    if len(rows):
        last = pd.DataFrame({"key": [*(keys[r] for r in rows), TOTAL_KEY],
                             "label": [*(labels[r] for r in rows), total_label],
                             "mission": [*(missions[r] for r in rows), None],
                             **{c: [*v[rows].tolist(), int(v.sum())] for c, v in last_counts.items()}})
        last_table = _completeness_shares(_protect(last, COMPLETENESS_PARTS, "victims", suppress))
    else:
        # No unit recorded victims in the last month: nothing to show beside the period.
        last_table = Table(pd.DataFrame(columns=["victims", *SHARE_COLUMNS]))
    if last_table.withheld:
        out = whole.frame.assign(last_victims=None, **{f"last_{c}": None for c in SHARE_COLUMNS})
    else:
        beside = last_table.frame[["victims", *SHARE_COLUMNS]].rename(
            columns={"victims": "last_victims", **{c: f"last_{c}" for c in SHARE_COLUMNS}})
        # Placed by row position (what a left merge on the key did): missing units read NaN.
        beside.index = [*rows, len(period) - 1] if len(beside) else []
        beside = beside.reindex(range(len(whole.frame)))
        beside.index = whole.frame.index
        out = pd.concat([whole.frame, beside], axis=1)
    out["last_victims"] = out["last_victims"].astype(object).where(out["last_victims"].notna(), 0)
    return Table(out, suppressed=suppress), month


MIN_VICTIMS_TO_JUDGE = 5


def flag_units(units: pd.DataFrame, threshold: float, min_victims: int = MIN_VICTIMS_TO_JUDGE) -> pd.DataFrame:
    """Units whose sex or age completeness in the last month is below `threshold`, worst first.

    Under small-cell protection a share may be known only as a range: the unit is flagged when
    the whole range is below the threshold. A share that cannot be judged at all is not flagged.
    """
    if not 0 <= threshold <= 1:
        raise ValueError("the completeness threshold is a share between 0 and 1")
    if units.empty:
        return units.assign(flag=[])

    def upper(v) -> float | None:
        return None if v is None or pd.isna(v) else float(v)

    # Decided over plain lists, then one row selection: the page runs this on every rerun.
    flagged = []
    for position, (key, label, victims, sex_hi, age_hi) in enumerate(zip(
            units["key"].tolist(), units["label"].tolist(), units["last_victims"].tolist(),
            units["last_share_sex_hi"].tolist(), units["last_share_age_hi"].tolist())):
        # One unrecorded victim out of two is 50 %: a month with so few victims says little about a
        # unit's practice. A hidden count ("<5") is below the floor too.
        if key == TOTAL_KEY or hidden(victims) or int(victims) < min_victims:
            continue
        highs = [h for h in (upper(sex_hi), upper(age_hi)) if h is not None]
        if any(h < threshold for h in highs):
            flagged.append((min(highs), label, position))
    flagged.sort()
    return units.iloc[[position for *_, position in flagged]].assign(flag=True).reset_index(drop=True)


# --- SDG 16.2.2-style rate and UNODC national series -------------------------------------------

def trafficking_rate(con, filters: Filters, profile: Profile, t: I18n, destination: str) -> Table:
    """Detected victims of human trafficking (market human_trafficking) per 100,000 population, by
    country, sex and age, from incident records, with the population's year and source."""
    col = _lang(t.lang)
    where, params = scope(filters, profile)
    # Counted per country first, labelled after: the join touches a few rows, not every record.
    frame = _df(con, f"""
        WITH agg AS (
            SELECT i.iso3 AS key, {COUNT_SQL}
            FROM incidents i WHERE {where} AND i.market = ? AND i.iso3 IS NOT NULL
            GROUP BY 1 HAVING sum({VICTIMS}) > 0)
        SELECT agg.key, c.name_{col} AS label, c.population, c.pop_year, c.pop_source, agg.* EXCLUDE (key)
        FROM agg JOIN countries c ON c.iso3 = agg.key
        ORDER BY agg.victims DESC, agg.key""", [*params, HUMAN_TRAFFICKING])
    frame = frame[["key", "label", "population", "pop_year", "pop_source", "victims", *SEX_PARTS, *AGE_PARTS]]
    suppress = profile.must_suppress(destination)
    if frame.empty:
        return Table(frame, suppressed=suppress)
    # The total row exists only so the audit knows the column totals; a rate over several
    # countries' summed populations would mean little, so it is not kept.
    full = _with_total(frame, ("victims", *SEX_PARTS, *AGE_PARTS), t.gettext("Total"))
    table = _protect(full, [SEX_PARTS, AGE_PARTS], "victims", suppress)
    if table.withheld:
        return table
    f = table.frame[table.frame["key"] != TOTAL_KEY].reset_index(drop=True)
    for c in ("victims", *SEX_PARTS, *AGE_PARTS):
        f[f"rate_{c}"] = [None if hidden(v) or not pop or pd.isna(pop) else int(v) / float(pop) * PER_POPULATION
                          for v, pop in zip(f[c], f["population"])]
    return Table(f, suppressed=suppress)


def national_series(con, iso3s: tuple[str, ...], limit: int = 400) -> pd.DataFrame:
    """Imported UNODC series on detected trafficking victims (SDG 16.2.2 and GLOTIP counts) for
    these countries, latest year of each series, as published: "<5" stays "<5"."""
    if not iso3s:
        return pd.DataFrame(columns=["source", "iso3", "indicator", "dimension", "category", "sex", "age", "year",
                                     "unit", "value_text", "censored", "series_source"])
    marks = ", ".join("?" * len(iso3s))
    return _df(con, f"""
        WITH s AS (
            SELECT *, max(year) OVER (PARTITION BY source, iso3, indicator) AS latest
            FROM national_series
            WHERE iso3 IN ({marks})
              AND (indicator ILIKE '%16.2.2%' OR indicator ILIKE '%trafficking victims%'
                   OR indicator ILIKE '%victims of human trafficking%'))
        SELECT source, iso3, indicator, dimension, category, sex, age, year, unit, value_text, censored,
               series_source
        FROM s WHERE year = latest
        ORDER BY iso3, source, indicator, dimension NULLS FIRST, category NULLS FIRST, sex, age
        LIMIT ?""", [*iso3s, int(limit)])


def national_series_count(con) -> int:
    return int(queries._one(con, "SELECT count(*) FROM national_series")[0])


# --- Arrests ---------------------------------------------------------------------------------

ARREST_PARTS = ("arrests_female", "arrests_male", "arrests_unknown")


def arrests_table(con, filters: Filters, profile: Profile, t: I18n, destination: str) -> Table:
    """Arrests by sex per market and the share of women among arrested suspects whose sex was
    recorded. Arrested people are counted persons too, so small counts are protected like victims."""
    col = _lang(t.lang)
    where, params = scope(filters, profile)
    frame = _df(con, f"""
        SELECT i.market AS key, any_value(m.label_{col}) AS label,
               sum(i.arrests_female)::BIGINT AS arrests_female, sum(i.arrests_male)::BIGINT AS arrests_male,
               sum(i.arrests_unknown)::BIGINT AS arrests_unknown,
               sum(i.arrests_female + i.arrests_male + i.arrests_unknown)::BIGINT AS arrests
        FROM incidents i JOIN markets m ON m.code = i.market
        WHERE {where} GROUP BY 1 HAVING sum(i.arrests_female + i.arrests_male + i.arrests_unknown) > 0
        ORDER BY arrests DESC, key""", params)
    suppress = profile.must_suppress(destination)
    if frame.empty:
        return Table(frame.assign(share_women=[]), suppressed=suppress)
    frame = _with_total(frame, (*ARREST_PARTS, "arrests"), t.gettext("Total"))
    table = _protect(frame, [ARREST_PARTS], "arrests", suppress)
    f = table.frame
    f["share_women"] = [_share(fe, [fe, m]) for fe, m in zip(f["arrests_female"], f["arrests_male"])] \
        if not table.withheld else []
    return table


# --- The whole page ----------------------------------------------------------------------------

@dataclass
class GenderData:
    window_from: date | None
    window_to: date | None
    suppressed: bool
    k: int
    groups: dict[str, Table]          # by market, country, admin1 (the quarter window): those asked for
    shares: dict[str, Table]          # by market, country (the quarter window): those asked for
    trend: Trend                      # the sidebar period
    completeness_missions: Table      # the sidebar period, monthly
    units: Table                      # the sidebar period and its last month
    units_month: JudgedMonth | None
    rate: Table
    national: pd.DataFrame
    national_rows: int
    arrests: Table


def window(con, filters: Filters, profile: Profile, span: str) -> Filters:
    """The tables' window: the last 13 weeks of the sidebar period ("quarter"), or all of it."""
    if span not in ("quarter", "period"):
        raise ValueError(f"unknown window {span!r}")
    if span == "period":
        return filters
    end = filters.date_to or queries.data_status(con, filters, profile)["date_max"]
    if end is None:
        return filters
    start = end - timedelta(weeks=13) + timedelta(days=1)
    if filters.date_from and filters.date_from > start:
        start = filters.date_from
    return filters.with_dates(start, end)


GROUP_BREAKDOWNS = ("market", "country", "admin1")
SHARE_BREAKDOWNS = ("market", "country")


def breakdown(con, filters: Filters, profile: Profile, lang: str, by: str, destination: str = "screen",
              span: str = "quarter") -> tuple[Table, Table | None]:
    """The groups table and (by market or country) the shares table for one breakdown, protected.

    The page computes the breakdown of the open tab only; each one is a query and a disclosure
    audit, and under suppression the three together were a fifth of the page's time."""
    from . import i18n
    return _breakdown(con, window(con, filters, profile, span), profile, i18n.get(lang), by,
                      profile.must_suppress(destination))


def _breakdown(con, quarter: Filters, profile: Profile, t: I18n, by: str, suppress: bool) -> tuple[Table, Table | None]:
    if by not in GROUP_BREAKDOWNS:
        raise ValueError(f"unknown breakdown {by!r}; choose from {', '.join(GROUP_BREAKDOWNS)}")
    # One query feeds both the groups table and the shares table.
    counts = _fill_labels(counts_by(con, quarter, profile, t.lang, by), t, by)
    total, other = t.gettext("Total"), _other_label(t, by)
    if by not in SHARE_BREAKDOWNS:
        return build_groups(counts, total, suppress, other), None
    return build_joint(counts, total, suppress, other)


def gender_data(con, filters: Filters, profile: Profile, lang: str, destination: str = "screen",
                span: str = "quarter", breakdowns: tuple[str, ...] = GROUP_BREAKDOWNS) -> GenderData:
    """Everything the gender page and pack show; `breakdowns` limits the groups and shares tables
    to those asked for (the page asks for "market", and for the others when their tab is open)."""
    from . import i18n
    t = i18n.get(lang)
    quarter = window(con, filters, profile, span)
    suppress = profile.must_suppress(destination)
    # Independent parts, two at a time (tnt_dash/parallel.py), longest first as they run side by
    # side at 1M (units 72 ms, rate 43, market table 42, missions 40, trend 40, arrests 21): the
    # two threads then finish closer together, 5-9 ms sooner than in the previous order (interleaved).
    parts = run_parts({
        "units": partial(completeness_units, con, filters, profile, t, destination),
        "rate": partial(_rate_and_national, con, filters, profile, t, destination),
        **{f"table:{by}": partial(_breakdown, con, quarter, profile, t, by, suppress) for by in breakdowns},
        "missions": partial(completeness_monthly, con, filters, profile, "mission", destination),
        "trend": partial(trend, con, filters, profile, destination),
        "arrests": partial(arrests_table, con, quarter, profile, t, destination),
    })
    (units, month), (rate, national) = parts["units"], parts["rate"]
    tables = {by: parts[f"table:{by}"] for by in breakdowns}
    return GenderData(
        window_from=quarter.date_from, window_to=quarter.date_to,
        suppressed=suppress, k=suppression_threshold(),
        groups={by: groups for by, (groups, _) in tables.items()},
        shares={by: shares for by, (_, shares) in tables.items() if shares is not None},
        trend=parts["trend"], completeness_missions=parts["missions"],
        units=units, units_month=month, rate=rate,
        national=national, national_rows=national_series_count(con),
        arrests=parts["arrests"],
    )


def _rate_and_national(con, filters: Filters, profile: Profile, t, destination: str):
    """The trafficking rate, then the national series of the countries it covers."""
    rate = trafficking_rate(con, filters, profile, t, destination)
    iso3s = set(rate.frame["key"]) if not rate.frame.empty else set(filters.countries)
    if profile.releasable_to_host_state:      # a host State's screen: its own national series only
        iso3s &= {profile.require_host_state()}
    return rate, national_series(con, tuple(sorted(iso3s)))


# --- Tables for people: translated headers --------------------------------------------------------

def _pct(value) -> float | None:
    """A share as a percentage rounded to one decimal, for spreadsheets and st.dataframe."""
    return None if value is None or pd.isna(value) else round(float(value) * 100, 1)


def _pct_range(f: pd.DataFrame, prefix: str, t: I18n) -> list:
    """The exact percentage, or "lo–hi" in the page's number format (42,9–57,1 in French) when
    small-cell protection leaves only a range."""
    def text(value) -> str:
        pct = _pct(value)
        return t.number(pct, 0 if float(pct).is_integer() else 1)

    out = []
    for exact, lo, hi in zip(f[prefix], f[f"{prefix}_lo"], f[f"{prefix}_hi"]):
        if exact is not None and not pd.isna(exact):
            out.append(_pct(exact))
        elif lo is not None and not pd.isna(lo):
            out.append(f"{text(lo)}–{text(hi)}")
        else:
            out.append(None)
    return out




def _columns(f: pd.DataFrame, names: dict[str, str], values: dict[str, list] | None = None) -> pd.DataFrame:
    """The columns `names` of `f` (or their replacement in `values`) under their display names, as
    one new frame: a copy, then setting, selecting and renaming columns cost more than the table."""
    values = values or {}
    return pd.DataFrame({label: values[c] if c in values else f[c].tolist() for c, label in names.items()},
                        index=range(len(f)))


def groups_frame(t: I18n, table: Table, by: str) -> pd.DataFrame:
    _ = t.gettext
    names = {"label": BREAKDOWN_LABELS[by], **GROUP_LABELS, "victims": N_("Victims")}
    return _columns(table.frame, {k: _(v) for k, v in names.items()})


def shares_frame(t: I18n, table: Table, by: str) -> pd.DataFrame:
    _ = t.gettext
    f = table.frame
    names = {"label": BREAKDOWN_LABELS[by], "victims": N_("Victims"), "female": N_("Female"), "male": N_("Male"),
             "sex_unknown": N_("Sex unknown"), "share_female": N_("% female (of victims with sex recorded)"),
             "child": N_("Children"), "adult": N_("Adults"), "age_unknown": N_("Age unknown"),
             "share_child": N_("% children (of victims with age recorded)")}
    return _columns(f, {k: _(v) for k, v in names.items()},
                    {c: [_pct(v) for v in f[c].tolist()] for c in ("share_female", "share_child")})


def units_frame(t: I18n, table: Table, month: JudgedMonth | None) -> pd.DataFrame:
    _ = t.gettext
    f = table.frame
    month_label = month.label(t, "MMM y") if month else "–"
    # The month the flag is about comes first: at 1366 px the right-hand columns scroll out of view.
    names = {"label": _("Reporting unit"), "mission": _("Mission"),
             "last_share_sex": _("% with sex recorded, {month}").format(month=month_label),
             "last_share_age": _("% with age recorded, {month}").format(month=month_label),
             "last_victims": _("Victims, {month}").format(month=month_label),
             "share_sex": _("% with sex recorded"), "share_age": _("% with age recorded"),
             "victims": _("Victims")}
    names = {k: v for k, v in names.items() if k in f}
    return _columns(f, names, {c: _pct_range(f, c, t) for c in ("share_sex", "share_age", "last_share_sex",
                                                             "last_share_age") if c in f})


def missions_frame(t: I18n, table: Table) -> pd.DataFrame:
    _ = t.gettext
    f = table.frame.copy()
    f["month"] = [t.date(m, "MMM y") for m in f["month"]]
    f["share_sex"] = _pct_range(f, "share_sex", t)
    f["share_age"] = _pct_range(f, "share_age", t)
    names = {"label": _("Mission"), "month": _("Month"), "victims": _("Victims"),
             "share_sex": _("% with sex recorded"), "share_age": _("% with age recorded")}
    return f[list(names)].rename(columns=names)


def trend_frame(t: I18n, tr: Trend) -> pd.DataFrame:
    _ = t.gettext
    return pd.DataFrame({_("ISO week"): [f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}" for d in tr.weeks],
                         _("Women and children victims"): tr.marks})


def rate_text(t: I18n, rate: float) -> str:
    """A rate per 100,000 as the screen shows it: one decimal from 1 up, two significant figures
    below. Forty victims in a country of 110 million are 0.036 per 100,000: one decimal showed
    "0.0", a count read as nothing."""
    r = float(rate)
    if r == 0:
        return t.number(0)
    return t.number(r, 1 if r >= 1 else min(4, 1 - math.floor(math.log10(r))))


def rate_frame(t: I18n, table: Table, compact: bool = False) -> pd.DataFrame:
    """Counts and rates per country. `compact` (the screen) keeps the victims count and the rates;
    the pack has every count beside its rate."""
    _ = t.gettext
    f = table.frame
    out = {_("Country or territory"): f["label"].tolist()}
    labels = {"victims": N_("All victims"), "female": N_("Female"), "male": N_("Male"),
              "sex_unknown": N_("Sex unknown"), "child": N_("Children"), "adult": N_("Adults"),
              "age_unknown": N_("Age unknown")}
    if compact:
        out[_("Victims detected")] = f["victims"].tolist()
    for c, label in labels.items():
        if not compact:
            out[_("{group}: victims detected").format(group=_(label))] = f[c].tolist()
        out[_("{group}: per 100,000 population").format(group=_(label)) if not compact else _(label)] = [
            None if r is None or pd.isna(r) else rate_text(t, r) if compact else round(float(r), 3)
            for r in f[f"rate_{c}"].tolist()]
    years = [None if pd.isna(y) else str(int(y)) for y in f["pop_year"].tolist()]
    if compact:
        out[_("Population (year, source)")] = [
            "–" if pd.isna(p) else f"{t.number(int(p))} ({y}, {src})" for p, y, src in zip(f["population"].tolist(), years,
                                                                                      f["pop_source"].tolist())]
        return pd.DataFrame(out)
    out[_("Population")] = f["population"].tolist()
    out[_("Population year")] = years
    out[_("Population source")] = f["pop_source"].tolist()
    return pd.DataFrame(out)


def national_frame(t: I18n, frame: pd.DataFrame) -> pd.DataFrame:
    _ = t.gettext
    names = {"source": N_("Source"), "iso3": N_("Country code"), "indicator": N_("Indicator"),
             "dimension": N_("Dimension"), "category": N_("Category"), "sex": N_("Sex"), "age": N_("Age"),
             "year": N_("Year"), "unit": N_("Unit"), "value_text": N_("Value as published"),
             "series_source": N_("Series source")}
    frame = frame.assign(year=[str(int(y)) for y in frame["year"]])
    return frame[list(names)].rename(columns={k: _(v) for k, v in names.items()})


def arrests_frame(t: I18n, table: Table) -> pd.DataFrame:
    _ = t.gettext
    f = table.frame
    names = {"label": N_("Market"), "arrests_female": N_("Women and girls arrested"), "arrests_male": N_("Men and boys arrested"),
             "arrests_unknown": N_("Sex not recorded"), "arrests": N_("Arrests"),
             "share_women": N_("% women and girls (of arrested suspects with sex recorded)")}
    shares = [_pct(v) for v in f["share_women"].tolist()] if "share_women" in f else [None] * len(f)
    return _columns(f, {k: _(v) for k, v in names.items()}, {"share_women": shares})


# --- SDG reference cards ----------------------------------------------------------------------------
# Official indicator names and custodian agencies, from the UN SDG indicators metadata repository
# (unstats.un.org/sdgs/metadata). Checked against public copies of that metadata; note that 16.2.3's
# custodian is UNICEF, not UNODC, and that 5.2.x are led by WHO with UNICEF, UN Women, UNFPA and UNSD.
SDG_CARDS = (
    ("5.2.1", N_("Proportion of ever-partnered women and girls aged 15 years and older subjected to physical, "
                 "sexual or psychological violence by a current or former intimate partner in the previous 12 "
                 "months, by form of violence and by age"),
     N_("WHO, UNICEF, UN Women, UNFPA, UNODC, UNSD")),
    ("5.2.2", N_("Proportion of women and girls aged 15 years and older subjected to sexual violence by persons "
                 "other than an intimate partner in the previous 12 months, by age and place of occurrence"),
     N_("WHO, UNICEF, UN Women, UNFPA, UNSD")),
    ("16.1.3", N_("Proportion of population subjected to (a) physical violence, (b) psychological violence and "
                  "(c) sexual violence in the previous 12 months"),
     N_("UNODC")),
    ("16.2.3", N_("Proportion of young women and men aged 18–29 years who experienced sexual violence by age 18"),
     N_("UNICEF")),
)
SDG_NOTE = N_("Survey-based: measured by population surveys, not police records. No value is computed here "
              "from incidents. Definitions and custodian agencies from the UN SDG indicator metadata.")


def legend(t: I18n, k: int) -> str:
    return t.gettext("“<{k}”: from 1 to {k_minus} persons. “x”: hidden so that a “<{k}” cell cannot be worked "
                     "out from the totals. A share is shown only when every count it is made of is shown.").format(
        k=k, k_minus=k - 1)


def definitions(t: I18n, k: int) -> pd.DataFrame:
    _ = t.gettext
    rows = [
        (_("Women, men, girls, boys"), _("Victims recorded as female adult, male adult, female child (under 18) "
                                         "and male child.")),
        (_("Sex or age unknown"), _("Every victim whose sex or age (or both) was not recorded. Never imputed: "
                                    "unknowns are not spread over the known groups.")),
        (_("% female"), _("Female victims divided by victims whose sex was recorded (female + male).")),
        (_("% children"), _("Child victims divided by victims whose age was recorded (children + adults).")),
        (_("% with sex recorded"), _("Victims whose sex was recorded divided by all victims; likewise for age.")),
        (_("Month judged"), _("Reporting units are flagged on the last whole calendar month of the period, or, when "
                              "the period holds no whole month, on the part of its last month inside it.")),
        (_("Women and children victims"), _("Women and girls, boys, and children of unknown sex, including "
                                             "females of unknown age.")),
        (_("Trend"), _("Mann–Kendall test on weekly counts: “rising” only when significant at 95 %.")),
        (_("Rate per 100,000 (SDG 16.2.2-style)"),
         _("Victims of human trafficking detected in police incident records in the period, divided by the "
           "country's population. Not the UNODC SDG 16.2.2 series, which counts victims detected by all national "
           "authorities in a year.")),
        (_("UNODC national series"), _("Imported from the UNODC data portal as published; “<5” stays “<5”.")),
        (_("Small counts"), legend(t, k)),
        (_("“Other … (n)” rows"), _("Rows grouped into one because, shown one by one, their small counts could be "
                                    "worked out from the totals; n is the number of rows grouped. Only where small "
                                    "counts are protected.")),
    ]
    rows += [(_("SDG {code}").format(code=code), " ".join((_(text) + ".", _("Custodian: {agencies}").format(agencies=_(custodian)) + ".",
                                       _(SDG_NOTE))))
             for code, text, custodian in SDG_CARDS]
    return pd.DataFrame(rows, columns=[_("Term"), _("Definition")])


def pack_sheets(data: GenderData, t: I18n) -> dict[str, pd.DataFrame]:
    """Every table of the page, one sheet each, plus the definitions (withheld tables say so)."""
    _ = t.gettext
    withheld = pd.DataFrame({_("Note"): [_("Withheld: these counts are too small to publish safely.")]})

    def sheet(table: Table, build) -> pd.DataFrame:
        return withheld if table.withheld else build(table)

    sheets = {
        _("Victims by market"): sheet(data.groups["market"], lambda x: groups_frame(t, x, "market")),
        _("Victims by country"): sheet(data.groups["country"], lambda x: groups_frame(t, x, "country")),
        _("Victims by area"): sheet(data.groups["admin1"], lambda x: groups_frame(t, x, "admin1")),
        _("Shares by market"): sheet(data.shares["market"], lambda x: shares_frame(t, x, "market")),
        _("Shares by country"): sheet(data.shares["country"], lambda x: shares_frame(t, x, "country")),
        _("Weekly trend"): trend_frame(t, data.trend),
        _("Completeness by mission"): sheet(data.completeness_missions, lambda x: missions_frame(t, x)),
        _("Completeness by unit"): sheet(data.units, lambda x: units_frame(t, x, data.units_month)),
        _("Trafficking rate"): sheet(data.rate, lambda x: rate_frame(t, x)),
        _("UNODC series"): national_frame(t, data.national) if len(data.national) else pd.DataFrame(
            {_("Note"): [_("No UNODC series imported. Import one with: python -m tnt_dash import FILE --format unodc")]}),
        _("Arrests by sex"): sheet(data.arrests, lambda x: arrests_frame(t, x)),
        _("Definitions"): definitions(t, data.k),
    }
    return sheets


def pack_bytes(con, filters: Filters, profile: Profile, t: I18n, span: str = "quarter") -> bytes:
    """The gender indicators pack (XLSX), protected for export."""
    from .exports import xlsx_bytes
    data = gender_data(con, filters, profile, t.lang, destination="export", span=span)
    period = f"{t.date(data.window_from)} – {t.date(data.window_to)}"
    stamp = presented.stamp(con, t, profile, t.gettext("Gender indicators pack"), filters, period=period)
    return xlsx_bytes(pack_sheets(data, t), stamp)


def gender_view(con, filters: Filters, profile: Profile, t: I18n, destination: str = "export") -> presented.View:
    """CLI export: victims by market and group over the filter period (the pack's main table)."""
    table = groups_table(con, filters, profile, t, "market", destination)
    frame = groups_frame(t, table, "market") if not table.withheld else pd.DataFrame(
        {t.gettext("Note"): [t.gettext("Withheld: these counts are too small to publish safely.")]})
    return presented.View("gender", t.gettext("Victims by sex and age, by criminal market"), frame)
