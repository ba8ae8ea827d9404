"""The operators' console: sign-in, the live intake log, one appeal's handling, the heat board,
statistics and the webmaster's site page — each organisation seeing only its own.

Routes, store-side queries and templates of the console live side by side in this package;
it shares the store, the writer, the organisation directory and the error tree with intake.
The routes are gathered in `routes.py`, so that importing one store-side module (the CLI
imports `console.accounts`) does not load every page of the console.
"""
