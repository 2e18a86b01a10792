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
}


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
