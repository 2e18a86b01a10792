"""Schemathesis hooks for Edgedesk: every call to a signed operation is
signed as it is sent (v2: method, path with query, timestamp, client,
body), with a client id of its own so no two calls share a signature;
every call to a bearer operation carries a session token of the sample
dataset's admin (or, on the receptionist's owner routes, of the owner of
the fuzzing's own business, `fuzz-shop`, so nothing it does touches the
demo salon), minted here with the run's SECRET_KEY and a token id of its
own (so a logout revokes that call's token only); every call to the
operator's metrics carries the run's operator token (the administration
routes get none); every call to the sales pipeline carries its admin API
key; every call to the coaching product carries dev_token (the dev
organisation's admin); every answer's
status is recorded for the coverage report.

    SCHEMATHESIS_HOOKS=hooks (with tests/api on PYTHONPATH)
"""

import base64
import hashlib
import hmac
import itertools
import json
import uuid
import os
import time
from urllib.parse import urlsplit

import requests
import schemathesis

SECRET = os.environ.get("EDGEDESK_SECRET", "dev-secret").encode()
SESSION_KEY = os.environ.get("EDGEDESK_SESSION_KEY", "").encode()
SESSION_AGENT = os.environ.get("EDGEDESK_SESSION_AGENT", "ag-admin")
OPERATOR_TOKEN = os.environ.get("EDGEDESK_OPERATOR_TOKEN", "")
SALES_KEY = os.environ.get("EDGEDESK_SALES_KEY", "")
STATUSES = os.environ.get("EDGEDESK_STATUS_LOG")
_calls = itertools.count()


def _signed(case):
    security = case.operation.definition.raw.get("security") or []
    return any("signature" in scheme for scheme in security)


def _bearer(case):
    security = case.operation.definition.raw.get("security") or []
    return any("bearer" in scheme for scheme in security)


def _operator(case):
    security = case.operation.definition.raw.get("security") or []
    return any("operator" in scheme for scheme in security)


def _api_key(case):
    security = case.operation.definition.raw.get("security") or []
    return any("api_key" in scheme for scheme in security)


def _sso(case):
    security = case.operation.definition.raw.get("security") or []
    return any("sso" in scheme for scheme in security)


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def session_token(path=""):
    """An HS256 token as POST /api/agents/login (or, for an owner's route,
    POST /v1/auth/login) mints it."""
    now = int(time.time())
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    claims = {"sub": SESSION_AGENT, "email": "admin@support.test", "role": "admin",
              "iat": now, "exp": now + 3600, "jti": str(uuid.uuid4())}
    if path.startswith(("/v1/owner/", "/v1/auth/")):
        claims = {"sub": "owner-fuzz", "scope": "receptionist-owner", "business_id": "fuzz-shop",
                  "iat": now, "exp": now + 3600, "jti": str(uuid.uuid4())}
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signature = hmac.new(SESSION_KEY, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


@schemathesis.auth()
class EdgedeskSignature:
    """Valid credentials for signed operations, as Schemathesis's auth
    provider: it knows they are valid, so its own probes (credentials
    removed or made invalid) go out unsigned, as they should. The signature
    covers the request exactly as it will be sent: the URL with its query
    encoded and the body serialised the way the transport does it."""

    def get(self, case, ctx):
        return SECRET

    def set(self, case, secret, ctx):
        # The sales pipeline's routes: the admin key, which every role's
        # route accepts.
        if _api_key(case):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {SALES_KEY}"}
            return
        if _sso(case):
            case.headers = {**(case.headers or {}), "Authorization": "Bearer dev_token"}
            return
        if _bearer(case):
            if not case.operation.path.startswith("/v1/admin/"):
                token = session_token(case.operation.path)
                case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
            return
        # The operator's metrics only: with the operator token on
        # /v1/admin/* the fuzzing would rename, renumber and lock the demo
        # salon that the other routes are fuzzed against.
        if _operator(case) and not case.operation.path.startswith("/v1/admin/"):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {OPERATOR_TOKEN}"}
            return
        if not _signed(case):
            return
        kwargs = case.as_transport_kwargs()
        fields = {k: kwargs[k] for k in ("method", "url", "params", "json", "data", "headers") if k in kwargs}
        prepared = requests.Request(**fields).prepare()
        body = prepared.body or b""
        if isinstance(body, str):
            body = body.encode()
        url = urlsplit(prepared.url)
        target = url.path + (f"?{url.query}" if url.query else "")
        timestamp = str(int(time.time() * 1000))
        client = f"schemathesis-{next(_calls)}"
        message = f"v2\n{case.method.upper()}\n{target}\n{timestamp}\n{client}\n".encode() + body
        signature = hmac.new(secret, message, hashlib.sha256).hexdigest()
        case.headers = {**(case.headers or {}), "X-Timestamp": timestamp, "X-Client": client,
                        "X-Signature": f"v2={signature}"}


@schemathesis.hook
def after_call(ctx, case, response):
    if STATUSES:
        with open(STATUSES, "a") as f:
            f.write(json.dumps({"method": case.method.upper(), "path": case.operation.path,
                                "status": response.status_code}) + "\n")


@schemathesis.hook
def filter_body(ctx, body):
    """Health weights must sum to 100, which JSON Schema cannot say: keep
    schema-valid weights that break only that rule out of the cases meant
    to be accepted (a call's own test covers the 400 it gets)."""
    params = body.get("params") if isinstance(body, dict) else None
    weights = params.get("weights") if isinstance(params, dict) else None
    if isinstance(weights, dict) and weights and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 100 and float(v).is_integer()
        for v in weights.values()
    ):
        return sum(weights.values()) == 100
    return True
