"""The disclosure audit of the gender tables: which hidden cells a reader could work out, and what
else to hide so that none can be.

A table split two ways over the same total (sex recorded or not, age recorded or not) is protected
partition by partition with suppression.suppress_counts, the total hidden wherever either partition
hides it; then the partitions are audited together, since the reader knows both add up to the same
total. The exact audit (integer programs, or a path search in the common case) and the step that
hides more (a linear program) answer the same model of the reader, so they sit side by side.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..suppression import COMPLEMENTARY_MARK, DisclosureError, primary_mark, suppress_counts


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
    # Plain arrays from here on: pandas selections and cell access would outweigh the audit itself.
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
    not an integer one: the integer program of the fewest cells is far too slow for a page;
    `_joint_audit` audits the result exactly and comes back for any cell still pinned.
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
    The answer is the same (tests/test_gender.py compares with witness_rounds=0), from far fewer
    programs.

    With two partitions and the true table at hand (the audit's case), no program is needed:
    `_pinned_by_flow` decides every cell by a path search. `method="milp"` forces the programs.
    """
    from scipy import sparse
    from scipy.optimize import Bounds, LinearConstraint, milp

    cell_of = {c: np.asarray(shown[c]) for c in columns}      # arrays: DataFrame.at is slow cell by cell
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
    programs give the same answer (tests/test_gender.py) at a much higher cost.
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

