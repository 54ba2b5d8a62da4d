"""Errors raised by the search package; callers map them to HTTP statuses."""


class SearchError(Exception):
    """The search service failed (unreachable, misconfigured); a 5xx for API callers."""


class InvalidQuery(ValueError):
    """The caller's query is malformed or too large; the message names the problem (a 4xx)."""


class InvalidDocument(ValueError):
    """A programme document does not follow the plain-document contract."""
