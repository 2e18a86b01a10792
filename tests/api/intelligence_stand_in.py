#!/usr/bin/env python3
"""A stand-in for the intelligence service during API fuzzing: it answers
every analysis and generation request, so the AI routes' own answers are
what the fuzzing checks. (Failures, retries and time-outs are tested
against tests/e2e/src/mock_quimbi.rs.)

    intelligence_stand_in.py PORT_FILE   (prints the port it listens on)
"""

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("content-length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        customer = body.get("customer") or {}
        if self.path.endswith("/api/intelligence/analyze"):
            answer = {"archetype": "steady_buyer", "segments": ["b2b"],
                      "predictions": {"churn_risk": customer.get("churn_risk_score", 0.2),
                                      "lifetime_value": customer.get("lifetime_value", 0)},
                      "behavioral_metrics": {"orders_per_month": 2}}
        elif self.path.endswith("/api/generation/message"):
            answer = {"message": f"Hi {customer.get('name', 'there')}, thanks for writing.",
                      "personalization_applied": ["customer_name"]}
        else:
            self.send_response(404)
            self.end_headers()
            return
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[1], "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
