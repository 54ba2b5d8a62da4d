"""Request body parsers: DRF's, with limits the standard library leaves to the caller."""

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

# The deepest body the API itself sends back is 4 levels (a programme's coproducers); far
# below Python's recursion limit, so nothing downstream (validation, rendering) recurses deep.
MAX_JSON_DEPTH = 32


def json_depth(value: Any) -> int:
    """How deeply arrays and objects nest in ``value`` (a scalar is 0); iterative, so never recursion-bound."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children)
    return deepest


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser refusing bodies nested deeper than MAX_JSON_DEPTH with 400 `json_too_deep`.

    The standard library's decoder recurses once per level and raises RecursionError (not
    ValueError) past Python's recursion limit, which DRF's parser lets through as a 500.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
            too_deep = json_depth(data) > MAX_JSON_DEPTH
        except RecursionError:
            too_deep = True
        if too_deep:
            raise ParseError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels.", code="json_too_deep")
        return data
