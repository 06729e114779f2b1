"""State machines declared as data and checked when they are declared, as Takahē's
StateGraph is: a table of the moves each state allows, from one start state (and any other
states an item may be created in, its `entries`).

A graph that could strand an item (a state nothing leads to, a state with no way to an end,
a move to a state the table never names) raises StateGraphError when its module is
imported, so a bad table never reaches a running function. Pure: no store, no AWS; the
store enforces a graph on its conditional writes, the domain reads it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

# A state is a stored value: a name (a video's stage) or a number (a runner job's, PeerTube's
# RunnerJobState).
S = TypeVar("S", str, int)


class StateGraphError(ValueError):
    """The table is not a usable state machine; the message says which rule it breaks."""


class UndeclaredMove(ValueError):
    """A move the graph does not declare was asked for (a bug in the caller, not bad input)."""


@dataclass(frozen=True)
class StateGraph(Generic[S]):
    """`moves[state]` is the set of states `state` may move to; a state with none is terminal.
    An item is created in `start`, or in one of `entries`."""

    name: str
    start: S
    moves: Mapping[S, frozenset[S]]
    entries: frozenset[S] = frozenset()
    rests: frozenset[S] = frozenset()

    def __post_init__(self) -> None:
        check_graph(self.name, self.start, self.moves, self.entries, self.rests)

    @property
    def states(self) -> tuple[S, ...]:
        """Every state, in the table's order."""
        return tuple(self.moves)

    @property
    def terminal(self) -> frozenset[S]:
        return frozenset(state for state, targets in self.moves.items() if not targets or state in self.rests)

    @property
    def pending(self) -> tuple[S, ...]:
        """The states that are not terminal, in the table's order."""
        return tuple(state for state, targets in self.moves.items() if targets and state not in self.rests)

    def allows(self, source: S, target: S) -> bool:
        return target in self.moves.get(source, frozenset())

    def check_move(self, sources: Collection[S], target: S) -> None:
        """UndeclaredMove unless every one of `sources` may move to `target`."""
        refused = sorted(str(source) for source in sources if not self.allows(source, target))
        if refused or not sources:
            raise UndeclaredMove(f"{self.name}: no move from {', '.join(refused) or 'nowhere'} to {target} is declared")


def check_graph(
    name: str,
    start: S,
    moves: Mapping[S, Collection[S]],
    entries: Collection[S] = (),
    rests: Collection[S] = (),
) -> None:
    """StateGraphError unless `moves` is a usable state machine from `start` (and `entries`):
    - every state it moves to is declared (a key of `moves`), and so are `start` and `entries`;
    - every state is reachable from `start` or one of `entries`;
    - at least one state is terminal, and every other state can reach one.
    """
    if start not in moves:
        raise StateGraphError(f"{name}: the start state {start!r} is not declared")
    undeclared_entries = sorted(set(entries) - set(moves))
    if undeclared_entries:
        raise StateGraphError(f"{name}: the entry states {undeclared_entries} are not declared")
    for state, targets in moves.items():
        unknown = sorted(set(targets) - set(moves))
        if unknown:
            raise StateGraphError(f"{name}: {state!r} moves to undeclared states {unknown}")
    starts = [start]
    starts.extend(entries)
    unreachable = sorted(set(moves) - _reachable(moves, starts))
    if unreachable:
        raise StateGraphError(f"{name}: {unreachable} cannot be reached from {start!r}")
    undeclared_rests = sorted(set(rests) - set(moves))
    if undeclared_rests:
        raise StateGraphError(f"{name}: the rest states {undeclared_rests} are not declared")
    terminal = {state for state, targets in moves.items() if not targets or state in rests}
    if not terminal:
        raise StateGraphError(f"{name}: no terminal state (every state moves on)")
    stuck = sorted(state for state in moves if not _reachable(moves, [state]) & terminal)
    if stuck:
        raise StateGraphError(f"{name}: {stuck} can never reach a terminal state")


def _reachable(moves: Mapping[S, Collection[S]], starts: list[S]) -> set[S]:
    seen: set[S] = set()
    todo = list(starts)
    while todo:
        state = todo.pop()
        if state not in seen:
            seen.add(state)
            todo.extend(moves.get(state, ()))
    return seen
