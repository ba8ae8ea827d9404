"""The fixed set of appeal statuses, each typed open / closed / resolved, and the moves an
operator may make between them.

One set for every surface: the console moves an appeal along `TRANSITIONS`, the tracking page
shows the status in the citizen's words, Open311 reports `open` for open statuses and `closed`
for the other two types, and the citizen's "solved / not solved" lands on `resolved` /
`not_resolved`. A status is never stored without the `status` event that explains it.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    ACCEPTED = "accepted"  # stored by intake, nobody has looked yet
    REGISTERED = "registered"  # an operator registered it (59-ФЗ: within 3 days)
    IN_PROGRESS = "in_progress"
    FORWARDED = "forwarded"  # sent on to the competent body
    ANSWERED = "answered"  # the public answer is given; awaiting the citizen's confirmation
    RESOLVED = "resolved"  # confirmed solved (by the citizen, or the confirmation period passed)
    NOT_RESOLVED = "not_resolved"  # the citizen said the answer did not solve it
    DUPLICATE = "duplicate"  # follows another appeal (`duplicate_of`)
    REJECTED = "rejected"  # refused, with a reason the citizen sees
    CLARIFYING = "clarifying"  # a question to the citizen is open (clarify_question, clarify_due)
    NOT_CLARIFIED = "not_clarified"  # the citizen did not answer the question in time


class StatusType(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    RESOLVED = "resolved"


STATUS_TYPES: dict[Status, StatusType] = {
    Status.ACCEPTED: StatusType.OPEN,
    Status.REGISTERED: StatusType.OPEN,
    Status.IN_PROGRESS: StatusType.OPEN,
    Status.FORWARDED: StatusType.OPEN,
    Status.ANSWERED: StatusType.CLOSED,
    Status.RESOLVED: StatusType.RESOLVED,
    Status.NOT_RESOLVED: StatusType.CLOSED,
    Status.DUPLICATE: StatusType.CLOSED,
    Status.REJECTED: StatusType.CLOSED,
    Status.CLARIFYING: StatusType.OPEN,
    Status.NOT_CLARIFIED: StatusType.CLOSED,
}

_WORKING = (Status.REGISTERED, Status.IN_PROGRESS, Status.FORWARDED)

# The moves an operator may make. `answered` is reached by writing the answer, `duplicate` by
# naming the original, `clarifying` by asking the citizen a question; they are listed so that
# one table says what is allowed. `resolved` and `not_resolved` are the citizen's word (the
# tracking page's "solved / not solved") or the end of the confirmation period, and
# `not_clarified` the end of the clarification period — never an operator's move.
TRANSITIONS: dict[Status, tuple[Status, ...]] = {
    Status.ACCEPTED: (
        *_WORKING,
        Status.ANSWERED,
        Status.DUPLICATE,
        Status.REJECTED,
        Status.CLARIFYING,
    ),
    Status.REGISTERED: (
        Status.IN_PROGRESS,
        Status.FORWARDED,
        Status.ANSWERED,
        Status.DUPLICATE,
        Status.REJECTED,
        Status.CLARIFYING,
    ),
    Status.IN_PROGRESS: (
        Status.FORWARDED,
        Status.ANSWERED,
        Status.DUPLICATE,
        Status.REJECTED,
        Status.CLARIFYING,
    ),
    Status.FORWARDED: (Status.IN_PROGRESS, Status.ANSWERED, Status.REJECTED),
    Status.ANSWERED: (Status.IN_PROGRESS, Status.ANSWERED),
    Status.NOT_RESOLVED: (Status.IN_PROGRESS, Status.ANSWERED),
    Status.RESOLVED: (Status.IN_PROGRESS,),
    Status.DUPLICATE: (Status.REGISTERED, Status.IN_PROGRESS),
    Status.REJECTED: (Status.REGISTERED, Status.IN_PROGRESS),
    Status.CLARIFYING: (Status.IN_PROGRESS, Status.ANSWERED, Status.REJECTED),
    Status.NOT_CLARIFIED: (Status.IN_PROGRESS,),
}

# What the system itself moves, not an operator: the citizen's answer to a question, the
# citizen's confirmation, and the periods that run out.
SYSTEM_MOVES: dict[Status, tuple[Status, ...]] = {
    Status.CLARIFYING: (Status.IN_PROGRESS, Status.NOT_CLARIFIED),
    Status.ANSWERED: (Status.RESOLVED, Status.NOT_RESOLVED),
}


def status_type(status: str) -> StatusType:
    return STATUS_TYPES[Status(status)]


def can_move(current: str, new: str) -> bool:
    """Whether an operator may move an appeal from `current` to `new`."""
    try:
        return Status(new) in TRANSITIONS[Status(current)]
    except ValueError:
        return False


def open_statuses() -> tuple[str, ...]:
    return tuple(str(s) for s, kind in STATUS_TYPES.items() if kind is StatusType.OPEN)


def open_statuses_sql() -> str:
    """The open statuses as the SQL list the partial indexes on open appeals are declared with
    (`appeals_due`): a query uses such an index only when its WHERE repeats the index's terms
    with the same literals — bound parameters do not count."""
    return "(" + ", ".join(f"'{s}'" for s in open_statuses()) + ")"


class Severity(StrEnum):
    LOW = "low"  # низкий
    MEDIUM = "medium"  # средний
    HIGH = "high"  # высокий
    CRITICAL = "critical"  # критический
