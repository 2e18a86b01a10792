#!/usr/bin/env python3
"""Every status the API document promises, against what the API fuzzing
reached: each one reached, or explained here (and tested elsewhere).

    python3 tests/api/coverage.py OPENAPI.json STATUS_LOG.jsonl
"""

import json
import sys

# Statuses no well-formed request can cause with the sample data loaded;
# where each is exercised instead.
EXPLAINED = {
    "500": "a store fault or unreadable stored data: shared/copilot/tests/behaviour.rs "
           "(fault injection) and tests/fixtures (broken documents, shared cases)",
    "503": "the replay record timing out: shared/kernel/src/signed.rs tests",
    "504": "a store read timing out: shared/copilot/tests/behaviour.rs (hanging store)",
    "413": "a body over 64 KiB: shared cases and the workerd test (1.2 MB and 3 MB bodies)",
    "405": "a method the path does not serve: shared cases",
    "423": "a locked-down business (the fuzzed salon is not locked): "
           "shared/receptionist/tests/flows.rs (every channel while locked)",
    "429": "the rate limit, off on the fuzzed deployment so that every other answer is reached: "
           "tests/e2e/src/limits.rs (exact under concurrency on workerd and on the Spin host) and "
           "shared/kernel/src/limiter.rs",
    "default": "no error the generated requests could cause: see the shared cases",
}


# Statuses one operation documents that the fuzzing cannot reach with the
# data it is given; where each is exercised instead.
EXPLAINED_FOR = {
    ("DELETE", "/api/tickets/{id}/messages/{msg_id}", "200"):
        "Schemathesis gives DELETE /api/tickets/{id} every `id` example of the document, so it "
        "deletes the example message's ticket before this operation runs; deleting a message is "
        "tested in shared/support/tests/roles.rs and its documented example "
        "(shared/support/tests/openapi.rs)",
    # The order Schemathesis runs operations in follows the whole document:
    # with the receptionist's operations in it, DELETE /api/tickets/{id}
    # (given every `id` example, tkt-0004 among them) runs first.
    ("PATCH", "/api/tickets/{id}/messages/{msg_id}", "200"):
        "DELETE /api/tickets/{id} may run first and delete the example message's ticket; "
        "editing a message is tested in shared/support/tests/roles.rs and its documented example "
        "(shared/support/tests/openapi.rs)",
    ("POST", "/api/tickets/{id}/transfer", "201"):
        "DELETE /api/tickets/{id} may run first and delete the example's ticket (tkt-0004), and "
        "assignments change it; transferring is tested in shared/support/tests/flows.rs and its "
        "documented example (shared/support/tests/openapi.rs)",
    ("POST", "/v1/widget/message", "200"):
        "a widget session lives in the deployment's database and Schemathesis draws session ids "
        "(404) unless its stateful phase carries one over from POST /v1/widget/session; chatting is tested in shared/receptionist/tests/flows.rs, on workerd "
        "(tests/e2e/src/receptionist.rs) and by the documented example "
        "(shared/receptionist/tests/openapi.rs)",
    ("POST", "/v1/calendar/google/watch", "200"):
        "the fuzzed deployment connects no business to Google Calendar (503); watching is tested "
        "against Google's JSON in shared/receptionist/src/google/tests.rs and through a Google "
        "stand-in on workerd (tests/e2e/src/receptionist.rs)",
    ("POST", "/v1/calendar/google/push", "200"):
        "no push channel exists on the fuzzed deployment, so every notification is 404; "
        "notifications are tested in shared/receptionist/src/google/tests.rs and on workerd",
    ("POST", "/v1/calendar/google/webhook", "200"):
        "the relay's secret is not in the document, so every call is 401; the relay is tested in "
        "shared/receptionist/src/google/tests.rs and by the documented example",
}

# The receptionist's owners and operator.
EXPLAINED_FOR.update({
    ("POST", "/v1/auth/register", "201"):
        "registering takes an invitation only the operator can make (its token is not in the "
        "document): tested in shared/receptionist/tests/owners.rs, on workerd and the Spin host "
        "(tests/e2e/src/owners.rs) and by the documented example",
    ("PATCH", "/v1/owner/appointments/{appointment_id}", "200"):
        "the fuzzing's owner has no appointments of its own, and another business's are 404: "
        "moving and ending appointments is tested in shared/receptionist/tests/owners.rs, "
        "tests/e2e/src/owners.rs and by the documented example",
    ("GET", "/v1/owner/conversations/{conversation_id}", "200"):
        "the fuzzing's owner has no conversations, and another business's are 404: tested in "
        "shared/receptionist/tests/owners.rs, tests/e2e/src/owners.rs and by the documented example",
    ("POST", "/v1/feedback", "201"):
        "feedback names a conversation, which lives in the deployment's database: tested in "
        "shared/receptionist/tests/owners.rs, tests/e2e/src/owners.rs and by the documented example",
})
for _method, _path, _status in (
    ("GET", "/v1/admin/businesses", "200"),
    ("PATCH", "/v1/admin/businesses/{business_id}", "200"),
    ("POST", "/v1/admin/businesses/{business_id}/invitations", "201"),
):
    EXPLAINED_FOR[(_method, _path, _status)] = (
        "the operator token (OPERATOR_TOKEN) is not in the document, so every call is 401: the "
        "operator's routes are tested in shared/receptionist/tests/owners.rs, on workerd and the "
        "Spin host (tests/e2e/src/owners.rs) and by the documented examples")

# Twilio's webhooks, under each of their prefixes: Schemathesis cannot sign
# them with the business's Twilio auth token, so each call is 403.
for _prefix in ("/v1/twilio", "/twilio", "/v1/telephony", "/telephony"):
    for _hook in ("voice", "voice/gather", "status", "sms"):
        EXPLAINED_FOR[("POST", f"{_prefix}/{_hook}", "200")] = (
            "Twilio's signature (X-Twilio-Signature) cannot be made by Schemathesis: 403; signed "
            "calls are tested in shared/receptionist/tests/flows.rs, on workerd "
            "(tests/e2e/src/receptionist.rs) and by the documented example "
            "(shared/receptionist/tests/openapi.rs)")

# The sales pipeline: its presigned routes need a URL the API signs, which
# Schemathesis cannot make (403); every keyed call carries the admin key,
# which no role check refuses.
for _method, _path, _status in (
    ("PUT", "/api/sales/objects/{area}/{date}/{file}", "201"),
    ("PUT", "/api/sales/objects/{area}/{date}/{file}", "202"),
    ("PUT", "/api/sales/objects/{area}/{date}/{file}", "413"),
    ("GET", "/api/sales/objects/{area}/{date}/{file}", "200"),
):
    EXPLAINED_FOR[(_method, _path, _status)] = (
        "a presigned URL's signature cannot be made by Schemathesis (403): uploads and downloads "
        "through real URLs are tested in shared/sales/tests/flows.rs, on workerd and the Spin host "
        "(tests/e2e/src/sales.rs) and by the documented examples")
for _path in ("/api/sales/upload-url", "/api/sales/stores", "/api/sales/stores/{store_id}",
              "/api/sales/files", "/api/sales/files/{key}/download-url", "/api/sales/metrics",
              "/api/sales/uploads", "/api/sales/uploads/{date}/{store_id}", "/api/sales/keys",
              "/api/sales/keys/{id}", "/api/sales/analysis/run", "/api/sales/runs",
              "/api/sales/analytics/{date}", "/api/sales/trends", "/api/sales/recommendations"):
    for _method in ("GET", "POST", "PATCH", "DELETE"):
        EXPLAINED_FOR[(_method, _path, "403")] = (
            "every fuzzed call carries the admin key, which every role check admits: roles are "
            "tested in shared/sales/tests/flows.rs (keys_decide_who_may_do_what) and on workerd "
            "and the Spin host (tests/e2e/src/sales.rs)")
EXPLAINED_FOR[("DELETE", "/api/sales/keys/{id}", "200")] = (
    "key ids are random and not in the document (404): revoking is tested in "
    "shared/sales/tests/flows.rs and by the documented example")

# The coaching product is fuzzed as the dev organisation's admin
# (dev_token): its members' refusals never happen there.
for _method, _path in (
    ("GET", "/api/v1/admin/memberships"), ("PATCH", "/api/v1/admin/memberships/{user_id}"),
    ("DELETE", "/api/v1/admin/memberships/{user_id}"), ("POST", "/api/v1/sailwind/clients"),
    ("PATCH", "/api/v1/sailwind/clients/{id}"), ("DELETE", "/api/v1/sailwind/clients/{id}"),
    ("POST", "/api/v1/sailwind/products"), ("PATCH", "/api/v1/sailwind/products/{id}"),
    ("POST", "/api/v1/sailwind/strategies"), ("PATCH", "/api/v1/sailwind/strategies/{id}"),
    ("GET", "/api/v1/sailwind/rep-assignments"), ("POST", "/api/v1/sailwind/rep-assignments"),
    ("GET", "/api/v1/admin/pipeline-runs"), ("GET", "/api/v1/admin/pipeline-runs/{id}"),
):
    EXPLAINED_FOR[(_method, _path, "403")] = (
        "the fuzzing signs in as an admin (dev_token): members' 403 on every admin route is "
        "tested in shared/coaching/tests/playbook.rs and on workerd and the Spin host "
        "(tests/e2e/src/coaching.rs)")
for _path in ("/api/v1/sailwind/strategies", "/api/v1/sailwind/rep-assignments"):
    EXPLAINED_FOR[("POST", _path, "201")] = (
        "both name other rows of the organisation (a product and a client; a member), which "
        "Schemathesis draws as ids none has (404) or as the sample's pair, already taken (409): "
        "creating them is tested in shared/coaching/tests/playbook.rs, on workerd and the Spin "
        "host (tests/e2e/src/coaching.rs) and by the documented examples")
EXPLAINED_FOR[("GET", "/api/v1/admin/pipeline-runs/{id}", "200")] = (
    "run ids are random and not in the document (404): a run and its events are tested in "
    "shared/coaching/tests/realtime.rs and by the documented example")


def main():
    document = json.load(open(sys.argv[1]))
    seen = {}
    for line in open(sys.argv[2]):
        r = json.loads(line)
        seen.setdefault((r["method"], r["path"]), set()).add(str(r["status"]))
    unexplained = []
    for path, methods in sorted(document["paths"].items()):
        for method, op in sorted(methods.items()):
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            reached = seen.get((method.upper(), path), set())
            listed = set(op.get("responses", {}))
            for status in sorted(listed):
                # `default` stands for every status not listed: the error envelope.
                others = sorted(reached - listed)
                if status == "default" and others:
                    mark = "reached as " + ", ".join(others)
                elif status in reached:
                    mark = "reached"
                elif status in EXPLAINED:
                    mark = "explained: " + EXPLAINED[status]
                elif (method.upper(), path, status) in EXPLAINED_FOR:
                    mark = "explained: " + EXPLAINED_FOR[(method.upper(), path, status)]
                else:
                    mark = "NOT REACHED"
                    unexplained.append(f"{method.upper()} {path} {status}")
                print(f"{method.upper():6} {path:32} {status}  {mark}")
    if unexplained:
        sys.exit("documented but neither reached nor explained: " + ", ".join(unexplained))


if __name__ == "__main__":
    main()
