"""Schemathesis hooks for Edgedesk: every call to a signed operation is
signed just before it is sent (v2: method, path with query, timestamp,
client, body), with a client id of its own so no two calls share a
signature; every answer's status is recorded for the coverage report.

    SCHEMATHESIS_HOOKS=hooks (with tests/api on PYTHONPATH)
"""

import hashlib
import hmac
import itertools
import json
import os
import time
from urllib.parse import urlsplit

import requests
import schemathesis

SECRET = os.environ.get("EDGEDESK_SECRET", "dev-secret").encode()
STATUSES = os.environ.get("EDGEDESK_STATUS_LOG")
_calls = itertools.count()


def _signed(case):
    security = case.operation.definition.raw.get("security") or []
    return any("signature" in scheme for scheme in security)


@schemathesis.hook
def before_call(ctx, case, kwargs):
    if not _signed(case):
        return
    # Send exactly the bytes that are signed: the URL with its query
    # encoded once, and the body serialised once.
    prepared = requests.Request(
        kwargs.get("method", case.method),
        kwargs["url"],
        params=kwargs.pop("params", None),
        json=kwargs.pop("json", None),
        data=kwargs.pop("data", None),
        headers=kwargs.get("headers"),
    ).prepare()
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode()
    url = urlsplit(prepared.url)
    target = url.path + (f"?{url.query}" if url.query else "")
    timestamp = str(int(time.time() * 1000))
    client = f"schemathesis-{next(_calls)}"
    message = f"v2\n{case.method.upper()}\n{target}\n{timestamp}\n{client}\n".encode() + body
    signature = hmac.new(SECRET, message, hashlib.sha256).hexdigest()
    headers = dict(prepared.headers)
    headers.update({"X-Timestamp": timestamp, "X-Client": client, "X-Signature": f"v2={signature}"})
    kwargs["url"] = prepared.url
    kwargs["headers"] = headers
    kwargs["data"] = body


@schemathesis.hook
def after_call(ctx, case, response):
    if STATUSES:
        with open(STATUSES, "a") as f:
            f.write(json.dumps({"method": case.method.upper(), "path": case.operation.path,
                                "status": response.status_code}) + "\n")
