"""Errors raised by the search package; callers map them to HTTP statuses."""


class SearchError(Exception):
    """The search service failed (unreachable, misconfigured); a 5xx for API callers."""

    code = "search_unavailable"


class InvalidQuery(ValueError):
    """The caller's query is malformed or too large: ``field`` names the SearchQuery field, the
    message the problem (a 4xx)."""

    code = "invalid_query"

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field, self.problem = field, problem


class InvalidDocument(ValueError):
    """A programme document does not follow the plain-document contract."""
