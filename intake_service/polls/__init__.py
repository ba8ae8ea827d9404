"""The residents' side of polls, votes and public discussions: the JSON API under
/api/v1/polls (apps and agencies' systems), the full pages at /p/… that work without
JavaScript, the badge's «Опросы и обсуждения» tab and the inline participation block. What the
operators' console shares with it is below both, in `participation/`.

- `state`: what this capability adds beside the runtime (its per-poll address limiter).
- `voting`: the one way a ballot is taken — the poll's state, the voter at its identity level,
  the answers' check, the writer — for the API and the pages alike.
- `api`: the JSON API;
- `pages`: the residents' full pages of a poll and its results, which work without JavaScript
  (`views` reads what they show); `links`: the pages the e-mails link to (a held ballot's
  confirmation, a comment's author's page); `pages_framed`: the same inside the badge's frame
  and the inline block, only on the organisation's own sites.
"""
