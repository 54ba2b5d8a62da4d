"""What the OpenAPI schema says about every operation at once (a drf-spectacular postprocessing hook)."""

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error: a stable `code` for programs, a `detail` for people and, for invalid "
                   "input, each problem with its field path. Some errors add fields (e.g. `limit`, `line`).",
    "required": ["code", "detail"],
    "properties": {
        "code": {"type": "string", "example": "invalid"},
        "detail": {"type": "string", "example": "title.zh-Hans: Give the title in at least one language."},
        "errors": {"type": "array", "items": {
            "type": "object", "required": ["field", "code", "detail"],
            "properties": {"field": {"type": "string"}, "code": {"type": "string"}, "detail": {"type": "string"}},
        }},
    },
}
ERRORS = {
    400: "Invalid input: a parameter or the body (`errors` names each field)",
    401: "No token, or not a valid one",
    403: "The token's partner or role may not do this",
    404: "No such object for this partner (or no such page)",
    409: "The change conflicts with the object's state or another object",
    413: "The request body is over the size limit (`limit`)",
    415: "The body is of a media type the operation does not take",
}
WRITES = {"post", "put", "patch", "delete"}


def statuses_of(method: str, operation: dict[str, Any]) -> list[int]:
    """The error statuses an operation can answer, from what it takes."""
    parameters = operation.get("parameters", [])
    statuses = [400, 401, 403]
    if any(p["in"] == "path" for p in parameters) or any(p["name"] == "page" for p in parameters):
        statuses.append(404)
    if method in WRITES:
        statuses.append(409)
    if "requestBody" in operation:
        statuses += [413, 415]
    return statuses


def add_error_responses(result: dict, generator, request, public) -> dict:
    """Declare the error shape (components/schemas/Error) on each operation for each error status
    it can answer, leaving what a view declared itself."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path_item in result["paths"].values():
        for method, operation in path_item.items():
            responses = operation.setdefault("responses", {})
            for status in statuses_of(method, operation):
                responses.setdefault(str(status), {"description": ERRORS[status], "content": error})
    return result
