"""Salesforce's answers shared by the REST handlers: error bodies and request bodies."""

from __future__ import annotations

from .describe import JsonDict
from .records import RecordFailure
from .web import Request, Response, json_response


def sf_error(status: int, code: str, message: str) -> Response:
    """Return Salesforce's error body: a list with one error."""
    return json_response(status, [{"message": message, "errorCode": code}])


def not_found() -> Response:
    """Return Salesforce's answer for a resource that does not exist."""
    return json_response(
        404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]
    )


def failure_response(failure: RecordFailure) -> Response:
    """Return the answer of a failed single-record write."""
    if failure.not_found:
        return not_found()
    return json_response(400, [problem.as_error() for problem in failure.problems])


def json_object(request: Request) -> JsonDict | Response:
    """Return the request's JSON object body, or the error answer when it is not one."""
    try:
        body = request.json()
    except (ValueError, UnicodeDecodeError) as error:
        return sf_error(400, "JSON_PARSER_ERROR", f"Unexpected character in the body: {error}")
    if not isinstance(body, dict):
        return sf_error(
            400, "JSON_PARSER_ERROR", "Cannot deserialize the body: a JSON object is expected"
        )
    return body


def method_not_allowed(request: Request, allowed: str) -> Response:
    """Return the answer of a method a resource does not serve."""
    return sf_error(
        405,
        "METHOD_NOT_ALLOWED",
        f"HTTP Method '{request.method}' not allowed. Allowed are {allowed}",
    )
