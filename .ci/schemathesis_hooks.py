"""Checks schemathesis runs against Ranks' API besides its own.

Loaded by .ci/schemathesis through SCHEMATHESIS_HOOKS.
"""
import schemathesis


@schemathesis.check
def rejection_has_message(ctx, response, case):
    """Every 4xx answer is JSON with a non-empty `error` message."""
    if not 400 <= response.status_code < 500:
        return None
    ctype = response.headers.get("content-type", [""])
    ctype = ctype[0] if isinstance(ctype, list) else ctype
    if not ctype.startswith("application/json"):
        raise AssertionError(
            f"{response.status_code} answered as {ctype!r}, not JSON: {response.text[:200]!r}"
        )
    try:
        body = response.json()
    except ValueError as e:
        raise AssertionError(f"{response.status_code} with a body that is not JSON: {e}")
    message = body.get("error") if isinstance(body, dict) else None
    if not isinstance(message, str) or not message.strip():
        raise AssertionError(
            f"{response.status_code} without a message: {response.text[:200]!r}"
        )
    return None


# Records of the demo data (`ranks demo`), so that most generated requests
# reach real units, files and members instead of stopping at a 404: a
# generated value is mapped onto one of them (deterministically, from the
# value itself), and values far out of range are left as generated.
UNITS = ["DBSYT", "BVDK", "BVDK.CB1", "CDC", "CDC.CB2", "BVPHCN.CB1", "TTYT", "BTXH.CB2"]
TERMS = ["2015-2020", "2020-2025", "2025-2030"]


def _pick(value, choices):
    return choices[len(str(value)) % len(choices)]


@schemathesis.hook
def map_path_parameters(ctx, path_parameters):
    if not path_parameters:
        return path_parameters
    for name, value in list(path_parameters.items()):
        if name == "code" and isinstance(value, str) and len(value) < 12:
            path_parameters[name] = _pick(value, UNITS)
        elif name in ("id", "member") and isinstance(value, int) and 0 <= value < 10**6:
            path_parameters[name] = value % (120 if name == "id" else 330) + 1
        elif name == "year" and isinstance(value, int) and 0 <= value < 10**6:
            path_parameters[name] = 2020 + value % 8
    return path_parameters


@schemathesis.hook
def map_query(ctx, query):
    if not query:
        return query
    for name in ("term", "period"):
        value = query.get(name)
        if isinstance(value, str) and len(value) < 6:
            query[name] = _pick(value, TERMS)
    org = query.get("org")
    if isinstance(org, str) and len(org) < 6:
        query["org"] = _pick(org, UNITS)
    return query
