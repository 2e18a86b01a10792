#!/usr/bin/env python3
"""Deterministic demo-data generator for Edgedesk.

Writes, for every customer C in the manifest:
  sample_data/usage/C.json     daily product usage
  sample_data/tickets/C.json   support tickets
  sample_data/contract/C.json  commercial contract
plus sample_data/manifest.json.

Stdlib only, no network. Every customer has its own fixed seed, so
re-running produces byte-identical files.

    python3 sample_data/generate.py
"""

import datetime as dt
import json
import math
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent
AS_OF = dt.date(2026, 11, 21)  # last usage day for every customer (a Saturday)
AS_OF_END = dt.datetime(2026, 11, 21, 23, 59, 59)
BASE_SEED = 20261121
HISTORY_START = AS_OF - dt.timedelta(days=419)  # 2025-09-28, 420 days inclusive

# US holidays / quiet days inside the history window: weekday multiplier.
HOLIDAYS = {
    "2025-11-27": 0.40,  # Thanksgiving
    "2025-11-28": 0.60,
    "2025-12-24": 0.50,
    "2025-12-25": 0.35,
    "2025-12-26": 0.55,
    "2025-12-29": 0.75,
    "2025-12-30": 0.75,
    "2025-12-31": 0.55,
    "2026-01-01": 0.35,
    "2026-01-19": 0.80,  # MLK day
    "2026-02-16": 0.80,  # Presidents' day
    "2026-05-25": 0.45,  # Memorial day
    "2026-07-03": 0.50,  # Independence day (observed)
    "2026-09-07": 0.45,  # Labor day
}


def d(s):
    return dt.date.fromisoformat(s)


def interp(knots, day):
    """Piecewise-linear interpolation over [(date_str, value), ...]."""
    pts = [(d(k), v) for k, v in knots]
    if day <= pts[0][0]:
        return pts[0][1]
    for (d0, v0), (d1, v1) in zip(pts, pts[1:]):
        if day <= d1:
            f = (day - d0).days / (d1 - d0).days
            return v0 + (v1 - v0) * f
    return pts[-1][1]


def half_up(x):
    return int(math.floor(x + 0.5))


def clamp(x, lo, hi):
    return max(lo, min(hi, x))


# --------------------------------------------------------------------------
# Customers
# --------------------------------------------------------------------------
# usage.level: weekday active users as a fraction of licensed seats
# (weekends and holidays are scaled down from this).
# usage.spu: sessions per active user; usage.eps: events per session.

CUSTOMERS = [
    {
        "id": "acme-001",
        "contract": {
            "customerName": "Acme Corp",
            "plan": "Enterprise",
            "arr": 186000,
            "seats": 120,
            "startDate": "2024-01-15",
            "renewalDate": "2027-07-15",
            "paymentStatus": "current",
            "billingContact": ("Dana Whitfield", "dana.whitfield@acme.example"),
            "accountOwner": "Priya Raman",
        },
        "usage": {
            "start": HISTORY_START,
            "level": [("2025-09-28", 0.89), ("2026-06-01", 0.905), ("2026-08-15", 0.915),
                      ("2026-09-15", 0.95), ("2026-11-21", 0.98)],
            "spu": [("2025-09-28", 2.25), ("2026-11-21", 2.40)],
            "eps": [("2025-09-28", 13.5), ("2026-11-21", 14.5)],
            "noise": 0.025,
            "friday": 0.95,
            "weekend": (0.31, 0.37),
        },
        "ticketBase": 1001,
        # (subject, severity, status or None for resolved, window start, window end)
        "tickets": [
            ("SSO login fails for users in newly added Okta group", "medium", None, "2025-10-01", "2025-10-20"),
            ("CSV export of ticket history times out for 12-month range", "medium", None, "2025-10-20", "2025-11-10"),
            ("Question about API rate limits for bulk contact sync", "low", None, "2025-11-10", "2025-11-25"),
            ("How do we add a second billing contact to invoices?", "low", None, "2025-12-01", "2025-12-15"),
            ("Webhook retries not firing after 500 from our endpoint", "medium", None, "2026-01-05", "2026-01-20"),
            ("Billing invoice question: Q4 seat true-up line item", "low", None, "2026-01-08", "2026-01-28"),
            ("Agent can't see Reports tab after role change", "low", None, "2026-01-26", "2026-02-10"),
            ("SAML certificate rotation: steps and downtime?", "medium", None, "2026-02-10", "2026-02-27"),
            ("Bulk user import CSV rejected with encoding error", "low", None, "2026-03-02", "2026-03-16"),
            ("Email notifications delayed by ~20 minutes", "high", None, "2026-03-16", "2026-03-31"),
            ("Scheduled reports sent in wrong timezone after DST change", "low", None, "2026-03-09", "2026-03-20"),
            ("Need audit log export for SOC 2 review", "medium", None, "2026-04-06", "2026-04-24"),
            ("Slack integration disconnects every few days", "low", None, "2026-04-27", "2026-05-15"),
            ("API returns 429 during nightly sync window", "medium", None, "2026-05-18", "2026-06-05"),
            ("Permission issue: managers can edit other teams' playbooks", "medium", None, "2026-06-08", "2026-06-26"),
            ("SCIM deprovisioning did not remove departed user", "high", None, "2026-06-29", "2026-07-17"),
            ("Search results missing recently closed tickets", "low", None, "2026-07-20", "2026-08-07"),
            ("Salesforce sync: custom field mapping question", "low", None, "2026-08-10", "2026-08-28"),
            ("Webhook signature verification failing after secret rotation", "medium", None, "2026-08-31", "2026-09-18"),
            ("Adding 10 seats mid-term: how is proration calculated?", "low", None, "2026-09-14", "2026-09-30"),
            ("Dashboard health-score widget shows stale data", "low", None, "2026-09-28", "2026-10-09"),
            ("Help connecting Snowflake export for BI team", "low", None, "2026-10-12", "2026-10-23"),
            ("Mobile app crashes on login after iOS update", "medium", None, "2026-10-26", "2026-11-06"),
            ("Scheduled CSV export missing custom fields", "medium", "pending", "2026-11-10", "2026-11-13"),
            ("Question: customising the weekly email digest", "low", "open", "2026-11-16", "2026-11-20"),
        ],
    },
    {
        "id": "globex-002",
        "contract": {
            "customerName": "Globex Corporation",
            "plan": "Growth",
            "arr": 72000,
            "seats": 80,
            "startDate": "2024-09-01",
            "renewalDate": "2027-03-01",
            "paymentStatus": "current",
            "billingContact": ("Carla Mendes", "carla.mendes@globex.example"),
            "accountOwner": "Marcus Ortega",
        },
        "usage": {
            "start": HISTORY_START,
            # ~70% all-day utilisation until late August, then a steady slide
            # that steepens through October.
            "level": [("2025-09-28", 0.86), ("2026-03-01", 0.87), ("2026-08-23", 0.86),
                      ("2026-10-07", 0.72), ("2026-11-06", 0.30), ("2026-11-21", 0.24)],
            "spu": [("2025-09-28", 2.20), ("2026-08-23", 2.20), ("2026-11-21", 1.70)],
            "eps": [("2025-09-28", 13.0), ("2026-08-23", 13.0), ("2026-11-21", 9.5)],
            "noise": 0.03,
            "friday": 0.95,
            "weekend": (0.31, 0.37),
        },
        "ticketBase": 2001,
        "tickets": [
            ("SSO login loop for users in multiple Azure AD tenants", "medium", None, "2025-10-06", "2025-10-24"),
            ("CSV export of account list times out above 50k rows", "medium", None, "2025-10-27", "2025-11-14"),
            ("Question about API rate limits for nightly contact sync", "low", None, "2025-11-17", "2025-12-05"),
            ("Billing: please add our PO number to invoices", "low", None, "2025-12-08", "2025-12-19"),
            ("Webhook retries stop after 3 attempts; need longer backoff", "medium", None, "2026-01-05", "2026-01-23"),
            ("New agents can't open shared views (permission issue)", "medium", None, "2026-01-26", "2026-02-13"),
            ("How to bulk-reassign accounts when a CSM leaves", "low", None, "2026-02-16", "2026-03-06"),
            ("Salesforce sync skipping accounts with custom record type", "high", None, "2026-03-09", "2026-03-27"),
            ("Renewals dashboard widget shows wrong fiscal quarter", "low", None, "2026-03-30", "2026-04-10"),
            ("Email-to-ticket drops attachments over 10 MB", "medium", None, "2026-04-13", "2026-05-01"),
            ("Request: help setting up SCIM provisioning", "low", None, "2026-05-04", "2026-05-22"),
            ("Scheduled report emails landing in spam", "low", None, "2026-05-26", "2026-06-12"),
            ("Billing invoice question: seat true-up line item", "low", None, "2026-06-15", "2026-07-02"),
            ("API 401 errors after rotating API key", "medium", None, "2026-07-06", "2026-07-17"),
            ("How are health score weights configured?", "low", None, "2026-07-20", "2026-07-31"),
            ("Slack alerts duplicated in escalation channel", "low", None, "2026-07-27", "2026-08-07"),
            ("Account timeline times out for large accounts", "high", None, "2026-08-03", "2026-08-14"),
            ("Read-only role can delete account notes", "high", None, "2026-08-10", "2026-08-21"),
            ("HubSpot sync intermittently failing with 502", "high", None, "2026-08-31", "2026-09-08"),
            ("Data export job failed: snapshot expired", "high", None, "2026-09-09", "2026-09-18"),
            ("Slow page loads reported by EU users", "medium", None, "2026-09-21", "2026-09-30"),
            ("SSO: intermittent 'invalid SAML response' errors", "high", None, "2026-09-28", "2026-10-06"),
            ("Webhook deliveries delayed by several hours", "medium", None, "2026-10-05", "2026-10-14"),
            ("How do we deactivate inactive users?", "low", None, "2026-10-12", "2026-10-20"),
            ("Question about reducing seat count at renewal", "medium", "pending", "2026-10-19", "2026-10-22"),
            ("Salesforce sync errors: FIELD_INTEGRITY_EXCEPTION on contact updates", "high", "open", "2026-10-26", "2026-10-30"),
            ("Data export failing for all workspaces (HTTP 500)", "critical", "open", "2026-11-02", "2026-11-05"),
            ("Sync errors creating duplicate contacts in HubSpot", "high", "open", "2026-11-06", "2026-11-10"),
            ("SSO outage: no users can sign in via Azure AD", "critical", "open", "2026-11-12", "2026-11-16"),
            ("Scheduled CSV export missing rows since last release", "high", "open", "2026-11-17", "2026-11-20"),
        ],
    },
    {
        "id": "initech-003",
        "contract": {
            "customerName": "Initech",
            "plan": "Growth",
            "arr": 36000,
            "seats": 40,
            "startDate": "2025-12-10",
            "renewalDate": "2026-12-10",
            "paymentStatus": "overdue",
            "billingContact": ("Joanna Park", "joanna.park@initech.example"),
            "accountOwner": "Jenna Kowalski",
        },
        "usage": {
            "start": d("2025-12-10"),
            # onboarding ramp, plateau, then a gentle slide into renewal.
            "level": [("2025-12-10", 0.25), ("2025-12-19", 0.55), ("2026-01-12", 0.78),
                      ("2026-06-01", 0.80), ("2026-09-22", 0.785), ("2026-11-21", 0.675)],
            "spu": [("2025-12-10", 1.80), ("2026-02-01", 2.05), ("2026-11-21", 1.90)],
            "eps": [("2025-12-10", 10.5), ("2026-02-01", 12.0), ("2026-11-21", 11.0)],
            "noise": 0.04,
            "friday": 0.95,
            "weekend": (0.30, 0.38),
        },
        "ticketBase": 3001,
        "tickets": [
            ("Initial SSO setup with Google Workspace", "low", None, "2025-12-11", "2025-12-16"),
            ("CSV import of existing accounts fails on date format", "medium", None, "2025-12-15", "2025-12-19"),
            ("How to configure health score inputs", "low", None, "2026-01-12", "2026-01-30"),
            ("Webhook to Jira not firing on ticket escalation", "medium", None, "2026-02-16", "2026-03-06"),
            ("API rate limit question for nightly sync", "low", None, "2026-03-23", "2026-04-10"),
            ("Team leads can't see other teams' accounts (permissions)", "medium", None, "2026-04-27", "2026-05-15"),
            ("Export timed out for 'All activity' report", "medium", None, "2026-06-01", "2026-06-19"),
            ("Weekly email digest not received by some users", "low", None, "2026-07-06", "2026-07-24"),
            ("Salesforce connector stuck in re-authorization loop", "high", None, "2026-08-10", "2026-08-21"),
            ("Question: archiving churned accounts", "low", None, "2026-09-14", "2026-09-25"),
            ("Invoice dispute for Q3", "medium", "open", "2026-10-12", "2026-10-16"),
            ("Card declined on renewal invoice", "high", "pending", "2026-11-12", "2026-11-16"),
        ],
    },
    {
        "id": "umbrella-004",
        "contract": {
            "customerName": "Umbrella Health",
            "plan": "Starter",
            "arr": 15000,
            "seats": 25,
            "startDate": "2026-10-31",
            "renewalDate": "2027-10-31",
            "paymentStatus": "current",
            "billingContact": ("Alice Marcus", "alice.marcus@umbrellahealth.example"),
            "accountOwner": "Jenna Kowalski",
        },
        "usage": {
            "start": d("2026-11-01"),
            # weekday active users ramp from 3 (kickoff) to ~15 (=0.6 of 25 seats).
            "level": [("2026-11-01", 0.12), ("2026-11-20", 0.60), ("2026-11-21", 0.62)],
            "spu": [("2026-11-01", 1.80), ("2026-11-21", 2.40)],
            "eps": [("2026-11-01", 10.0), ("2026-11-21", 13.0)],
            "noise": 0.04,
            "friday": 1.0,
            "weekend": (0.36, 0.40),
            "minActive": 3,
        },
        "ticketBase": 4001,
        "tickets": [
            ("Onboarding: importing our customer list from CSV", "low", None, "2026-11-02", "2026-11-03"),
            ("Onboarding: configuring SSO with Okta", "medium", None, "2026-11-05", "2026-11-06"),
            ("Onboarding: recommended health score rules for a small team", "low", "open", "2026-11-18", "2026-11-19"),
        ],
    },
    {
        "id": "hooli-005",
        "contract": {
            "customerName": "Hooli",
            "plan": "Enterprise",
            "arr": 540000,
            "seats": 300,
            "startDate": "2023-05-01",
            "renewalDate": "2027-05-01",
            "paymentStatus": "late",
            "billingContact": ("Rachel Tan", "rachel.tan@hooli.example"),
            "accountOwner": "Priya Raman",
        },
        "usage": {
            "start": HISTORY_START,
            # steady growth, then the Nucleus division rollout (Oct 19-22)
            # pins weekday usage at the 110% seat ceiling.
            "level": [("2025-09-28", 0.68), ("2026-04-01", 0.76), ("2026-09-01", 0.82),
                      ("2026-10-19", 0.83), ("2026-10-22", 1.10), ("2026-11-21", 1.10)],
            "spu": [("2025-09-28", 2.50), ("2026-11-21", 2.70)],
            "eps": [("2025-09-28", 15.0), ("2026-11-21", 16.5)],
            "noise": 0.008,
            "friday": 1.0,  # global teams: no Friday dip, slightly busier weekends
            "weekend": (0.40, 0.44),
        },
        "ticketBase": 5001,
        "tickets": [
            ("SSO: Okta group push not assigning roles", "medium", None, "2025-10-06", "2025-10-24"),
            ("CSV export of renewal pipeline times out", "medium", None, "2025-11-03", "2025-11-21"),
            ("Billing: invoice needs updated legal entity name", "low", None, "2025-12-01", "2025-12-19"),
            ("Webhook retries overwhelming our ingestion endpoint", "high", None, "2026-01-05", "2026-01-23"),
            ("Custom role for regional CS leads", "low", None, "2026-02-02", "2026-02-20"),
            ("Audit log retention: can we extend to 2 years?", "low", None, "2026-03-02", "2026-03-20"),
            ("Salesforce sync lag of ~1h during business hours", "medium", None, "2026-03-30", "2026-04-17"),
            ("Permission issue: contractors can see ARR fields", "high", None, "2026-04-27", "2026-05-08"),
            ("Bulk API pagination returns duplicate records", "medium", None, "2026-05-18", "2026-06-05"),
            ("Question about data residency for APAC teams", "low", None, "2026-06-15", "2026-07-02"),
            ("Dashboard filters reset after page refresh", "low", None, "2026-07-13", "2026-07-31"),
            ("Request: sandbox workspace for integration testing", "low", None, "2026-08-10", "2026-08-21"),
            ("Add seats mid-term for Nucleus rollout: quote request", "low", None, "2026-10-05", "2026-10-09"),
            ("SCIM provisioning for ~60 new Nucleus users", "medium", None, "2026-10-13", "2026-10-16"),
            ("Billing: re-issue invoice with new PO number for AP", "medium", None, "2026-11-02", "2026-11-06"),
            ("API rate limit (429s) on bulk sync after Nucleus rollout; request limit increase", "high", "open", "2026-11-16", "2026-11-19"),
        ],
    },
]

# Resolution time ranges in hours, per severity.
RESOLVE_HOURS = {"critical": (2, 10), "high": (4, 40), "medium": (10, 96), "low": (20, 200)}
CLOSE_AFTER_DAYS = 28  # a solved ticket auto-closes 28 days after resolution


# --------------------------------------------------------------------------
# Generators
# --------------------------------------------------------------------------

def gen_usage(cust, rng):
    u = cust["usage"]
    seats = cust["contract"]["seats"]
    cap = int(seats * 1.1)
    days = []
    day = u["start"]
    while day <= AS_OF:
        level = interp(u["level"], day)
        wd = day.weekday()
        weekend = wd >= 5
        if weekend:
            factor = rng.uniform(*u["weekend"])
        else:
            factor = HOLIDAYS.get(day.isoformat(), 1.0)
            if wd == 4:
                factor *= u["friday"]
        sd = u["noise"] * (2.0 if weekend else 1.0)
        active = half_up(seats * level * factor * (1.0 + rng.gauss(0.0, sd)))
        active = clamp(active, u.get("minActive", 1), cap)

        spu = interp(u["spu"], day) + rng.gauss(0.0, 0.08) - (0.2 if weekend else 0.0)
        spu = clamp(spu, 1.5, 3.0)
        sessions = clamp(half_up(active * spu), math.ceil(active * 1.5), active * 3)

        eps = clamp(interp(u["eps"], day) + rng.gauss(0.0, 0.7), 8.0, 20.0)
        events = clamp(half_up(sessions * eps), sessions * 8, sessions * 20)

        days.append({"date": day.isoformat(), "activeUsers": active,
                     "sessions": sessions, "events": events})
        day += dt.timedelta(days=1)
    return {"customerId": cust["id"], "licensedSeats": seats, "days": days}


def fmt_ts(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def gen_tickets(cust, rng):
    drafts = []
    for subject, severity, status, lo, hi in cust["tickets"]:
        lo_d, hi_d = d(lo), d(hi)
        day = lo_d + dt.timedelta(days=rng.randint(0, (hi_d - lo_d).days))
        # support tickets are mostly filed on business days (outages excepted)
        if severity != "critical" and day.weekday() >= 5:
            day += dt.timedelta(days=7 - day.weekday())
            if day > AS_OF:
                day -= dt.timedelta(days=3)
        created = dt.datetime.combine(day, dt.time(rng.randint(13, 22), rng.randint(0, 59),
                                                   rng.randint(0, 59)))
        created = min(created, AS_OF_END - dt.timedelta(hours=2))
        resolved = None
        if status is None:
            lo_h, hi_h = RESOLVE_HOURS[severity]
            resolved = created + dt.timedelta(seconds=rng.randint(lo_h * 3600, hi_h * 3600))
            if resolved > AS_OF_END:
                resolved = created + (AS_OF_END - created) * rng.uniform(0.3, 0.9)
                resolved = resolved.replace(microsecond=0)
            closed = resolved + dt.timedelta(days=CLOSE_AFTER_DAYS) <= AS_OF_END
            status = "closed" if closed else "solved"
        drafts.append((created, subject, status, severity, resolved))
    drafts.sort(key=lambda x: x[0])
    tickets = []
    for n, (created, subject, status, severity, resolved) in enumerate(drafts):
        tickets.append({
            "id": "T-%d" % (cust["ticketBase"] + n),
            "subject": subject,
            "status": status,
            "severity": severity,
            "createdAt": fmt_ts(created),
            "resolvedAt": fmt_ts(resolved) if resolved else None,
        })
    return {"customerId": cust["id"], "tickets": tickets}


def gen_contract(cust):
    c = cust["contract"]
    name, email = c["billingContact"]
    return {
        "customerId": cust["id"],
        "customerName": c["customerName"],
        "plan": c["plan"],
        "arr": c["arr"],
        "currency": "USD",
        "seats": c["seats"],
        "startDate": c["startDate"],
        "renewalDate": c["renewalDate"],
        "paymentStatus": c["paymentStatus"],
        "billingContact": {"name": name, "email": email},
        "accountOwner": c["accountOwner"],
    }


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------

def dump_pretty(obj):
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


def dump_usage(obj):
    """2-space pretty JSON, but one compact object per line in "days"."""
    head = {k: v for k, v in obj.items() if k != "days"}
    lines = ["{"]
    for k, v in head.items():
        lines.append("  %s: %s," % (json.dumps(k), json.dumps(v)))
    lines.append('  "days": [')
    rows = [json.dumps(day, ensure_ascii=False) for day in obj["days"]]
    lines.extend("    " + r + ("," if i < len(rows) - 1 else "") for i, r in enumerate(rows))
    lines.append("  ]")
    lines.append("}")
    text = "\n".join(lines) + "\n"
    assert json.loads(text) == obj
    return text


def write(rel, text):
    path = OUT / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print("wrote %-28s %6d bytes" % (rel, len(text.encode("utf-8"))))


def check(usage, tickets, contract):
    """Hard invariants; raise if the generator ever drifts out of spec."""
    days = usage["days"]
    assert days[-1]["date"] == AS_OF.isoformat()
    for a, b in zip(days, days[1:]):
        assert d(b["date"]) - d(a["date"]) == dt.timedelta(days=1)
    seats = usage["licensedSeats"]
    assert seats == contract["seats"]
    for day in days:
        au, s, e = day["activeUsers"], day["sessions"], day["events"]
        assert 0 < au <= seats * 1.1
        assert 1.5 * au <= s <= 3 * au and 8 * s <= e <= 20 * s
    prev = ""
    for t in tickets["tickets"]:
        assert t["createdAt"] >= prev and t["createdAt"] <= fmt_ts(AS_OF_END)
        prev = t["createdAt"]
        if t["status"] in ("open", "pending"):
            assert t["resolvedAt"] is None
        else:
            assert t["createdAt"] < t["resolvedAt"] <= fmt_ts(AS_OF_END)


def main():
    all_ids = set()
    for i, cust in enumerate(CUSTOMERS):
        cid = cust["id"]
        usage = gen_usage(cust, random.Random(BASE_SEED + 100 * i + 1))
        tickets = gen_tickets(cust, random.Random(BASE_SEED + 100 * i + 2))
        contract = gen_contract(cust)
        check(usage, tickets, contract)
        ids = {t["id"] for t in tickets["tickets"]}
        assert not ids & all_ids, "ticket ids must be unique across customers"
        all_ids |= ids
        write("usage/%s.json" % cid, dump_usage(usage))
        write("tickets/%s.json" % cid, dump_pretty(tickets))
        write("contract/%s.json" % cid, dump_pretty(contract))
    write("manifest.json", dump_pretty({"customers": [c["id"] for c in CUSTOMERS]}))


if __name__ == "__main__":
    main()
