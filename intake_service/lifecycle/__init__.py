"""An appeal's life after intake, below every capability that moves it: the operator's console,
the citizen's follow-through and the agencies' replies, the service's own jobs.

Each capability keeps its pages, routes and jobs in its own package (`console/`, `followup/`,
`open311/`), and none imports another's (pyproject.toml, [tool.importlinter]). What they share
lives here: the writer operations that change an appeal with the event that explains each
(`changes.py`), the notices those changes send (`notices.py`), the calendar its due dates are
counted in (`deadlines.py`), and clarification, which the operator asks and the citizen
answers (`clarify.py`).
"""
