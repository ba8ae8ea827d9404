"""Polls, votes and public discussions — what both sides of them share: the residents' side
(`polls/`: the JSON API, the pages, the badge's tab) and the operators' (`console/polls*`).
Below both capabilities, as `lifecycle/` is for appeals (pyproject.toml, [tool.importlinter]).

- `definition`: what a poll is and the one check of one (the console's form and the API's body).
- `voters`: the identity a ballot is counted under, at the poll's level, hashed.
- `ballots`: a ballot's answers checked against the poll; the writer's operations that hold,
  count and confirm one — a second ballot of the same voter refused by the store itself.
- `store`: creating, closing, publishing; reads of polls, what a badge shows, and results.
- `comments`: a discussion's comments, their moderation and the organisation's replies.
"""
