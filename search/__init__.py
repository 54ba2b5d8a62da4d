"""Multilingual catalogue search, free of Django: plain programme dicts in, hits out.

Entry points: `search.backends.get_backend`, `search.query.SearchQuery`,
`search.results.SearchResults`, `search.errors.InvalidQuery`."""
