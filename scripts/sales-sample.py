#!/usr/bin/env python3
"""Deterministic sample data for the sales product: a retail chain's daily uploads.

    python3 scripts/sales-sample.py --out DIR [--stores 10] [--days 35]
        [--end YYYY-MM-DD] [--seed 7] [--target-mb X] [--check]

Writes into DIR:
  stores.json                      the company's stores (store_id, name, timezone, active)
  uploads/{date}/{store_id}.json   one valid upload per store and day, --days days up to --end
  broken/{end}/{store_id}.json     one upload for the last day that breaks several rules
  big-X.json                       with --target-mb X: one valid upload of about X MB
                                   (10^6 bytes) for store 'store-big', dated --end;
                                   store-big is then listed in stores.json too
  manifest.json                    the files, what is wrong with the broken one, the
                                   promotion week and the injected anomalies

Uploads follow shared/sales/src/upload.schema.json. --end defaults to yesterday in UTC;
the output depends only on the arguments, so a given seed and end date give the same
bytes. --check validates the output afterwards: every upload against the schema (when
jsonschema is importable) and the service's rules (totals within a cent, unique
transaction ids, known store), and that the broken file fails on each listed rule.

Python 3 standard library only.
"""

import argparse
import datetime as dt
import json
import math
import random
import shutil
import statistics
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

SCHEMA = Path(__file__).resolve().parent.parent / "shared" / "sales" / "src" / "upload.schema.json"
CURRENCY = "USD"
CENT = Decimal("0.01")

# sku, name, category, unit price (USD), popularity weight, sold by weight
CATALOGUE = [
    ("PRD-001", "Bananas", "produce", "0.69", 9, True),
    ("PRD-002", "Gala Apples", "produce", "2.49", 6, True),
    ("PRD-003", "Roma Tomatoes", "produce", "1.99", 5, True),
    ("PRD-004", "Yellow Onions", "produce", "1.29", 4, True),
    ("PRD-005", "Russet Potatoes", "produce", "0.99", 4, True),
    ("PRD-006", "Hass Avocado", "produce", "1.25", 5, False),
    ("PRD-007", "Baby Spinach 5 oz", "produce", "3.99", 3, False),
    ("BAK-001", "Sourdough Loaf", "bakery", "4.99", 5, False),
    ("BAK-002", "Whole Wheat Bread", "bakery", "3.49", 6, False),
    ("BAK-003", "Butter Croissant", "bakery", "1.79", 4, False),
    ("BAK-004", "Blueberry Muffin", "bakery", "2.29", 3, False),
    ("BAK-005", "Bagels 6-pack", "bakery", "4.29", 3, False),
    ("BAK-006", "Chocolate Chip Cookies", "bakery", "3.99", 3, False),
    ("DAI-001", "Whole Milk 1 gal", "dairy", "3.89", 9, False),
    ("DAI-002", "Large Eggs 12-pack", "dairy", "4.19", 8, False),
    ("DAI-003", "Greek Yogurt 32 oz", "dairy", "5.49", 4, False),
    ("DAI-004", "Cheddar Cheese 8 oz", "dairy", "3.79", 5, False),
    ("DAI-005", "Salted Butter 1 lb", "dairy", "4.99", 4, False),
    ("DAI-006", "Oat Milk 64 oz", "dairy", "4.49", 3, False),
    ("DAI-007", "Cream Cheese 8 oz", "dairy", "2.69", 2, False),
    ("BEV-001", "Spring Water 24-pack", "beverages", "5.99", 5, False),
    ("BEV-002", "Cola 12-pack", "beverages", "7.49", 5, False),
    ("BEV-003", "Orange Juice 52 oz", "beverages", "4.79", 4, False),
    ("BEV-004", "Ground Coffee 12 oz", "beverages", "8.99", 4, False),
    ("BEV-005", "Sparkling Water 8-pack", "beverages", "4.99", 3, False),
    ("BEV-006", "Green Tea 20 bags", "beverages", "3.29", 2, False),
    ("BEV-007", "Cold Brew 32 oz", "beverages", "5.79", 3, False),
    ("SNK-001", "Potato Chips", "snacks", "3.99", 5, False),
    ("SNK-002", "Tortilla Chips", "snacks", "3.49", 4, False),
    ("SNK-003", "Salted Almonds 8 oz", "snacks", "6.49", 2, False),
    ("SNK-004", "Granola Bars 6-pack", "snacks", "4.29", 3, False),
    ("SNK-005", "Dark Chocolate Bar", "snacks", "2.99", 4, False),
    ("SNK-006", "Microwave Popcorn 3-pack", "snacks", "3.79", 2, False),
    ("HOU-001", "Paper Towels 6-roll", "household", "9.99", 3, False),
    ("HOU-002", "Toilet Paper 12-roll", "household", "12.99", 3, False),
    ("HOU-003", "Dish Soap 24 oz", "household", "3.49", 3, False),
    ("HOU-004", "Laundry Detergent 64 oz", "household", "11.99", 2, False),
    ("HOU-005", "Trash Bags 40 ct", "household", "8.49", 2, False),
    ("HOU-006", "Sponges 3-pack", "household", "2.99", 2, False),
    ("HOU-007", "Aluminum Foil 75 sq ft", "household", "4.49", 1, False),
]

TIMEZONES = ["America/Chicago", "America/New_York", "America/Los_Angeles", "America/Denver", "America/Phoenix"]
PLACES = {
    "America/Chicago": ["Chicago Loop", "Evanston", "Milwaukee East", "Minneapolis Uptown", "Austin South"],
    "America/New_York": ["Brooklyn Heights", "Hoboken", "Boston Back Bay", "Philadelphia Old City", "Atlanta Midtown"],
    "America/Los_Angeles": ["Pasadena", "Oakland Temescal", "Seattle Fremont", "Portland Pearl", "San Diego North Park"],
    "America/Denver": ["Denver Highlands", "Boulder", "Salt Lake Sugar House", "Fort Collins", "Albuquerque Nob Hill"],
    "America/Phoenix": ["Phoenix Arcadia", "Tempe", "Scottsdale", "Mesa", "Tucson Sam Hughes"],
}

# Monday .. Sunday
WEEKDAY = [0.86, 0.93, 0.96, 1.0, 1.08, 1.35, 1.2]
DAY_NOISE = 0.02              # log-normal sigma of a store's daily traffic
SIZES = (40, 250)             # transactions on an ordinary day, smallest and largest store
ITEMS = ([1, 2, 3, 4, 5], [22, 26, 22, 17, 13])
UNITS = ([1, 2, 3], [62, 27, 11])
WEIGHTS_KG = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 2]
PAYMENT = (["card", "mobile", "cash", "other"], [65, 20, 13, 2])
OPEN, CLOSE = 8 * 3600, 21 * 3600
# promotion (one SKU of each category): the discounts, how much more often they are picked, the chance
# that a basket gains an extra promotion line and that a promotion line has one more unit
PROMO_RATES, PROMO_LIFT = [0.2, 0.25, 0.3], 1.4
PROMO_EXTRA, PROMO_MORE, PROMO_TRAFFIC = 0.12, 0.3, 1.03
SPIKE, DROP, UNITS_SPIKE = 3.0, 0.3, 5.0
WINDOW, THRESHOLD = 28, 3.5


def money(x) -> Decimal:
    return Decimal(x).quantize(CENT, rounding=ROUND_HALF_UP)


def num(x: Decimal):
    """A Decimal as the JSON number it stands for: 2 stays 2, 0.75 stays 0.75."""
    return int(x) if x == x.to_integral_value() else float(x)


def line_total(item) -> Decimal:
    return Decimal(str(item["quantity"])) * Decimal(str(item["unit_price"])) - Decimal(str(item["discount"]))


def tx_total(items) -> float:
    return float(money(sum((line_total(i) for i in items), Decimal(0))))


def sub_rng(seed, *parts) -> random.Random:
    return random.Random("/".join([str(seed), *map(str, parts)]))


# --------------------------------------------------------------------------
# Stores, promotion, anomalies
# --------------------------------------------------------------------------

def make_stores(seed, n):
    rng = sub_rng(seed, "stores")
    zones = [TIMEZONES[i % len(TIMEZONES)] for i in range(n)]
    rng.shuffle(zones)
    lo, hi = SIZES
    sizes = [round(lo + (hi - lo) * i / (n - 1)) if n > 1 else (lo + hi) // 2 for i in range(n)]
    rng.shuffle(sizes)
    used = {z: 0 for z in TIMEZONES}
    stores = []
    for i, zone in enumerate(zones):
        places = PLACES[zone]
        k = used[zone]
        used[zone] += 1
        name = places[k % len(places)] + ("" if k < len(places) else f" {k // len(places) + 1}")
        stores.append({"store_id": f"store-{i + 1:03}", "name": name, "timezone": zone,
                       "active": True, "_size": sizes[i]})
    return stores


def make_promotion(seed, days):
    """A week two to three weeks before the end (never on the last three days)."""
    rng = sub_rng(seed, "promotion")
    start = max(days[0], days[-1] - dt.timedelta(days=20))
    end = min(start + dt.timedelta(days=6), days[-1] - dt.timedelta(days=3))
    categories = sorted({p[2] for p in CATALOGUE})
    skus = sorted(rng.choice([p[0] for p in CATALOGUE if p[2] == c]) for c in categories)
    rates = {s: rng.choice(PROMO_RATES) for s in skus}
    if end < start:
        return None
    return {"start": start, "end": end, "rates": rates}


def make_anomalies(seed, stores, days, promo):
    """Three injections on the last three days: a store's revenue ×3, another's ×0.3 (on the
    quietest of the three weekdays, in one of the largest third of the stores, whose days
    vary least) and one product's units ×5 in a third store."""
    rng = sub_rng(seed, "anomalies")
    last3 = days[-3:]
    drop_day = min(last3, key=lambda d: (WEEKDAY[d.weekday()], d))
    rest = [d for d in last3 if d != drop_day]
    rng.shuffle(rest)
    spike_day, units_day = rest
    order = sorted(stores, key=lambda s: -s["_size"])
    drop_store = rng.choice(order[: max(1, (len(order) + 2) // 3)])
    others = [s for s in stores if s is not drop_store] or stores
    spike_store = rng.choice(others)
    others = [s for s in others if s is not spike_store] or others
    units_store = rng.choice(others)
    promo_skus = set(promo["rates"]) if promo else set()
    candidates = [p for p in CATALOGUE if not p[5] and p[0] not in promo_skus and 3 <= p[4] <= 5]
    sku = rng.choice(candidates)[0]
    return [
        {"kind": "revenue_spike", "metric": "revenue", "store_id": spike_store["store_id"],
         "date": spike_day, "factor": SPIKE},
        {"kind": "revenue_drop", "metric": "revenue", "store_id": drop_store["store_id"],
         "date": drop_day, "factor": DROP},
        {"kind": "units_spike", "metric": "units", "store_id": units_store["store_id"],
         "date": units_day, "sku": sku, "factor": UNITS_SPIKE},
    ]


# --------------------------------------------------------------------------
# Transactions
# --------------------------------------------------------------------------

def seconds_of_day(rng):
    """Opening hours 08:00-21:00 with a midday and an evening peak."""
    while True:
        r = rng.random()
        if r < 0.42:
            s = rng.gauss(12.6 * 3600, 1.1 * 3600)
        elif r < 0.78:
            s = rng.gauss(17.9 * 3600, 1.2 * 3600)
        else:
            s = rng.uniform(OPEN, CLOSE)
        if OPEN <= s < CLOSE:
            return int(s)


def make_item(rng, product, rates):
    sku, name, category, price, _, by_weight = product
    price = Decimal(price)
    if by_weight and rng.random() < 0.6:
        qty = Decimal(str(rng.choice(WEIGHTS_KG)))
    else:
        qty = Decimal(rng.choices(*UNITS)[0])
    if sku in rates and rng.random() < PROMO_MORE:
        qty += Decimal("0.5") if by_weight else 1
    discount = money(qty * price * Decimal(str(rates[sku]))) if sku in rates else Decimal(0)
    return {"sku": sku, "name": name, "category": category, "quantity": num(qty),
            "unit_price": num(price), "discount": num(discount)}


def make_basket(rng, weights, rates):
    n = rng.choices(*ITEMS)[0]
    chosen = []
    while len(chosen) < n:
        p = rng.choices(CATALOGUE, weights)[0]
        if p not in chosen:
            chosen.append(p)
    if rates and rng.random() < PROMO_EXTRA:
        offers = [p for p in CATALOGUE if p[0] in rates and p not in chosen]
        if offers:
            chosen.append(rng.choice(offers))
    return [make_item(rng, p, rates) for p in chosen]


def weights_for(rates):
    return [p[4] * (PROMO_LIFT if p[0] in rates else 1) for p in CATALOGUE]


def trailing(values):
    """Median and MAD of the trailing window."""
    window = values[-WINDOW:]
    med = statistics.median(window)
    return med, statistics.median([abs(v - med) for v in window])


def make_day(seed, store, day, promo, anomalies, past):
    """One store's upload for one day; past holds the metrics of the store's earlier days."""
    rng = sub_rng(seed, store["store_id"], day.isoformat())
    in_promo = promo is not None and promo["start"] <= day <= promo["end"]
    rates = promo["rates"] if in_promo else {}
    weights = weights_for(rates)
    factor = WEEKDAY[day.weekday()] * (PROMO_TRAFFIC if in_promo else 1) * math.exp(rng.gauss(0, DAY_NOISE))
    mine = {a["kind"]: a for a in anomalies if a["store_id"] == store["store_id"] and a["date"] == day}
    count = max(1, round(store["_size"] * factor))
    if "revenue_spike" in mine:
        # A rush (a local event): SPIKE × the store's usual number of sales.
        count = round(SPIKE * (statistics.median([p["transactions"] for p in past[-WINDOW:]]) if past else count))
    secs = sorted(seconds_of_day(rng) for _ in range(count))
    txs = []
    for s in secs:
        items = make_basket(rng, weights, rates)
        txs.append({"items": items, "payment_method": rng.choices(*PAYMENT)[0], "_s": s})
    if "units_spike" in mine:
        sku = mine["units_spike"]["sku"]
        history = [p["units"].get(sku, Decimal(0)) for p in past]
        inject_units(rng, txs, sku, statistics.median(history[-WINDOW:]) if history else units_of(txs, sku))
    if "revenue_drop" in mine:
        # The store closes early: the day ends once its takings reach DROP × its trailing median,
        # or less where its days vary so much that DROP would not stand out.
        if past:
            med, mad = trailing([p["revenue"] for p in past])
        else:
            med, mad = sum(tx_total(t["items"]) for t in txs), 0
        target = min(DROP * med, med - (THRESHOLD + 0.5) * mad / 0.6745)
        kept, takings = [], 0.0
        for t in txs:
            if kept and takings + tx_total(t["items"]) > target:
                break
            kept.append(t)
            takings += tx_total(t["items"])
        txs = kept
        mine["revenue_drop"]["last_sale_local"] = f"{txs[-1]['_s'] // 3600:02}:{txs[-1]['_s'] // 60 % 60:02}"
    zone = ZoneInfo(store["timezone"])
    midnight = dt.datetime.combine(day, dt.time(0))
    out = []
    for n, t in enumerate(txs, 1):
        ts = (midnight + dt.timedelta(seconds=t["_s"])).replace(tzinfo=zone)
        out.append({"transaction_id": f"{store['store_id']}-{day.isoformat()}-{n:05}",
                    "timestamp": ts.isoformat(), "items": t["items"],
                    "payment_method": t["payment_method"], "total": tx_total(t["items"])})
    return {"store_id": store["store_id"], "date": day.isoformat(), "currency": CURRENCY, "transactions": out}


def metrics(doc):
    units = {}
    for t in doc["transactions"]:
        for i in t["items"]:
            units[i["sku"]] = units.get(i["sku"], Decimal(0)) + Decimal(str(i["quantity"]))
    return {"revenue": revenue(doc), "transactions": len(doc["transactions"]), "units": units}


def units_of(txs, sku):
    return sum(Decimal(str(i["quantity"])) for t in txs for i in t["items"] if i["sku"] == sku)


def inject_units(rng, txs, sku, baseline):
    """Raise the day's units of sku to UNITS_SPIKE × baseline (the store's trailing median)."""
    target = max(Decimal(5), (Decimal(UNITS_SPIKE) * Decimal(baseline)).to_integral_value())
    product = next(p for p in CATALOGUE if p[0] == sku)
    while units_of(txs, sku) < target:
        t = rng.choice(txs)
        line = next((i for i in t["items"] if i["sku"] == sku), None)
        if line is None:
            t["items"].append(make_item(rng, product, {}))
        elif line["quantity"] < 6:
            line["quantity"] += 1


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------

def dump_upload(doc):
    """Compact JSON, one transaction a line."""
    head = json.dumps({k: doc[k] for k in ("store_id", "date", "currency")}, separators=(",", ":"))
    txs = ",\n".join(json.dumps(t, separators=(",", ":")) for t in doc["transactions"])
    return head[:-1] + ',"transactions":[\n' + txs + ("\n" if txs else "") + "]}\n"


def write(path: Path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def revenue(doc):
    return float(money(sum((Decimal(str(t["total"])) for t in doc["transactions"]), Decimal(0))))


def break_upload(doc):
    """A copy of a valid upload that breaks four rules, each on its own transaction."""
    doc = json.loads(json.dumps(doc))
    txs = doc["transactions"]
    if len(txs) < 5:
        raise SystemExit("the broken file needs a store day with at least 5 transactions")
    n = len(txs)
    a, b, c, d = n // 5, 2 * n // 5, 3 * n // 5, 4 * n // 5
    violations = []
    txs[a]["items"][0]["quantity"] = 0
    txs[a]["total"] = tx_total(txs[a]["items"])
    violations.append({"rule": "quantity > 0", "checked_by": "schema", "pointer": f"/transactions/{a}/items/0/quantity",
                       "detail": "quantity is 0 (the total is recomputed, so only the quantity is wrong)"})
    right = txs[b]["total"]
    txs[b]["total"] = float(money(Decimal(str(right)) + Decimal("0.37")))
    violations.append({"rule": "total = Σ(quantity × unit_price − discount) within one cent", "checked_by": "service",
                       "pointer": f"/transactions/{b}/total",
                       "detail": f"total {txs[b]['total']} where the items give {right} (off by 0.37)"})
    txs[c]["transaction_id"] = txs[c - 1]["transaction_id"]
    violations.append({"rule": "transaction_id unique within the file", "checked_by": "service",
                       "pointer": f"/transactions/{c}/transaction_id",
                       "detail": f"{txs[c]['transaction_id']} repeats transaction {c - 1}'s id"})
    del txs[d]["payment_method"]
    violations.append({"rule": "required field", "checked_by": "schema", "pointer": f"/transactions/{d}",
                       "detail": "payment_method is missing"})
    return doc, violations


def make_big(seed, day, target_bytes):
    """One valid upload of about target_bytes for store 'store-big': baskets are drawn until
    the file reaches the size, then given sorted times and numbered."""
    store = {"store_id": "store-big", "name": "Benchmark Superstore", "timezone": "America/Chicago", "active": True}
    rng = sub_rng(seed, "store-big", day.isoformat())
    weights = weights_for({})
    zone = ZoneInfo(store["timezone"])
    midnight = dt.datetime.combine(day, dt.time(0))
    head = '{"store_id":"store-big","date":"%s","currency":"%s","transactions":[\n' % (day.isoformat(), CURRENCY)
    tail = "\n]}\n"
    prefix = '{"transaction_id":"store-big-%s-%%05d","timestamp":"%%s",' % day.isoformat()
    stamp = len("2026-01-01T00:00:00-06:00")
    bodies, size = [], len(head) + len(tail) - 2
    while size < target_bytes or not bodies:
        items = make_basket(rng, weights, {})
        body = json.dumps({"items": items, "payment_method": rng.choices(*PAYMENT)[0], "total": tx_total(items)},
                          separators=(",", ":"))[1:]
        bodies.append(body)
        size += len(prefix % (len(bodies), "x" * stamp)) + len(body) + 2
    secs = sorted(seconds_of_day(rng) for _ in bodies)
    lines = (prefix % (n, (midnight + dt.timedelta(seconds=s)).replace(tzinfo=zone).isoformat()) + body
             for n, (s, body) in enumerate(zip(secs, bodies), 1))
    return store, len(bodies), head + ",\n".join(lines) + tail


# --------------------------------------------------------------------------
# Checking
# --------------------------------------------------------------------------

def rule_errors(doc, store_ids):
    """The service's rules beyond the schema."""
    errors = []
    if doc.get("store_id") not in store_ids:
        errors.append(f"/store_id: {doc.get('store_id')!r} is not one of the company's stores")
    seen = set()
    for k, t in enumerate(doc.get("transactions", [])):
        tid = t.get("transaction_id")
        if tid in seen:
            errors.append(f"/transactions/{k}/transaction_id: duplicate {tid!r}")
        seen.add(tid)
        try:
            expected = sum((line_total(i) for i in t["items"]), Decimal(0))
            if abs(Decimal(str(t["total"])) - expected) > CENT:
                errors.append(f"/transactions/{k}/total: {t['total']} but the items give {expected}")
        except (KeyError, TypeError):
            pass  # a missing field is the schema's to report
    return errors


def check(out: Path) -> bool:
    started = time.monotonic()
    manifest = json.loads((out / "manifest.json").read_text())
    stores = json.loads((out / "stores.json").read_text())
    store_ids = {s["store_id"] for s in stores}
    try:
        import jsonschema
        schema = json.loads(SCHEMA.read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)

        def schema_errors(doc):
            return ["/" + "/".join(map(str, e.absolute_path)) + ": " + e.message for e in validator.iter_errors(doc)]
    except ImportError:
        print("check: jsonschema is not importable, checking the service's rules only", file=sys.stderr)
        validator = None

        def schema_errors(doc):
            return []

    ok = True
    valid = [f["path"] for f in manifest["files"]["uploads"]]
    if manifest["files"].get("big"):
        valid.append(manifest["files"]["big"]["path"])
    for rel in valid:
        doc = json.loads((out / rel).read_text())
        errors = schema_errors(doc) + rule_errors(doc, store_ids)
        if errors:
            ok = False
            print(f"check: {rel} should be valid:", *errors[:5], sep="\n  ", file=sys.stderr)
    for broken in manifest["files"]["broken"]:
        doc = json.loads((out / broken["path"]).read_text())
        errors = schema_errors(doc) + rule_errors(doc, store_ids)
        for v in broken["violations"]:
            if v["checked_by"] == "schema" and validator is None:
                continue
            if not any(e.startswith((v["pointer"] + ":", v["pointer"] + "/")) for e in errors):
                ok = False
                print(f"check: {broken['path']}: {v['rule']} at {v['pointer']} was not caught", file=sys.stderr)
        print(f"check: {broken['path']} fails as it should ({len(errors)} errors)")
    print(f"check: {len(valid)} valid uploads {'pass' if ok else 'FAIL'}"
          f"{'' if validator else ' (rules only)'} in {time.monotonic() - started:.1f} s")
    return ok


# --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, type=Path, help="output directory")
    ap.add_argument("--stores", type=int, default=10, help="number of stores (default 10)")
    ap.add_argument("--days", type=int, default=35, help="days of uploads, at least 3 (default 35)")
    ap.add_argument("--end", type=dt.date.fromisoformat,
                    default=dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=1),
                    help="last business day, YYYY-MM-DD (default: yesterday in UTC)")
    ap.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    ap.add_argument("--target-mb", type=float, help="also write big-X.json, one upload of about X MB")
    ap.add_argument("--check", action="store_true", help="validate the output afterwards")
    args = ap.parse_args()
    if args.stores < 1 or args.days < 3:
        ap.error("--stores must be at least 1 and --days at least 3")
    if args.target_mb is not None and args.target_mb <= 0:
        ap.error("--target-mb must be positive")

    started = time.monotonic()
    out = args.out
    for old in ("uploads", "broken"):
        shutil.rmtree(out / old, ignore_errors=True)
    for old in out.glob("big-*.json"):
        old.unlink()
    days = [args.end - dt.timedelta(days=k) for k in range(args.days - 1, -1, -1)]
    stores = make_stores(args.seed, args.stores)
    promo = make_promotion(args.seed, days)
    anomalies = make_anomalies(args.seed, stores, days, promo)

    uploads, last, pasts = [], {}, {}
    for store in stores:
        past = pasts[store["store_id"]] = []
        for day in days:
            doc = make_day(args.seed, store, day, promo, anomalies, past)
            past.append(metrics(doc))
            rel = f"uploads/{day.isoformat()}/{store['store_id']}.json"
            write(out / rel, dump_upload(doc))
            uploads.append({"path": rel, "store_id": store["store_id"], "date": day.isoformat(),
                            "transactions": len(doc["transactions"]), "revenue": revenue(doc)})
            if day == days[-1]:
                last[store["store_id"]] = doc
    for a in anomalies:
        k = days.index(a["date"])
        past = pasts[a["store_id"]]
        if a["kind"] == "units_spike":
            series = [p["units"].get(a["sku"], Decimal(0)) for p in past[: k + 1]]
        else:
            series = [Decimal(str(p["revenue"])) for p in past[: k + 1]]
        a["value"] = num(series[-1])
        if k == 0:
            a["trailing_median"] = a["ratio"] = a["modified_z"] = None
            a["date"] = a["date"].isoformat()
            continue
        med, mad = trailing(series[:-1])
        a["trailing_median"] = num(med)
        a["ratio"] = round(float(series[-1] / med), 2) if med else None
        a["modified_z"] = round(float(Decimal("0.6745") * (series[-1] - med) / mad), 1) if mad else None
        a["date"] = a["date"].isoformat()

    injected = {a["store_id"] for a in anomalies}
    plain = [s for s in stores if s["store_id"] not in injected] or stores
    broken_store = max(plain, key=lambda s: (s["_size"], s["store_id"]))
    broken_doc, violations = break_upload(last[broken_store["store_id"]])
    broken_rel = f"broken/{days[-1].isoformat()}/{broken_store['store_id']}.json"
    write(out / broken_rel, dump_upload(broken_doc))

    public = [{k: v for k, v in s.items() if not k.startswith("_")} for s in stores]
    big = None
    if args.target_mb is not None:
        big_store, count, text = make_big(args.seed, days[-1], args.target_mb * 1_000_000)
        big_rel = f"big-{args.target_mb:g}.json"
        write(out / big_rel, text)
        public.append(big_store)
        big = {"path": big_rel, "store_id": big_store["store_id"], "date": days[-1].isoformat(),
               "transactions": count, "bytes": len(text.encode())}
    write(out / "stores.json", json.dumps(public, indent=2) + "\n")

    manifest = {
        "schema": "/api/sales/schema/upload.json",
        "seed": args.seed,
        "start": days[0].isoformat(),
        "end": days[-1].isoformat(),
        "days": args.days,
        "currency": CURRENCY,
        "stores": [s["store_id"] for s in public],
        "files": {
            "stores": "stores.json",
            "uploads": uploads,
            "broken": [{"path": broken_rel, "store_id": broken_store["store_id"], "date": days[-1].isoformat(),
                        "valid_version": f"uploads/{days[-1].isoformat()}/{broken_store['store_id']}.json",
                        "violations": violations}],
            "big": big,
        },
        "promotion": None if promo is None else {
            "start": promo["start"].isoformat(), "end": promo["end"].isoformat(),
            "skus": [{"sku": s, "discount_rate": r} for s, r in sorted(promo["rates"].items())],
            "note": "in this week the promotion SKUs are picked more often, often in larger quantities or as an "
                    f"extra line, and store traffic is up about {round((PROMO_TRAFFIC - 1) * 100)} %; "
                    "discounts appear only on these SKUs in this week",
        },
        "anomalies": anomalies,
        "detection": {
            "method": "modified z-score, 0.6745 × (x − median) / MAD over the trailing days",
            "window_days": WINDOW, "threshold": THRESHOLD,
            "note": "value, trailing_median, ratio and modified_z of each anomaly are measured on the written "
                    "files against the store's trailing days (null without any). With the full window a store's "
                    "revenue stays below the threshold on ordinary days, now and then except for a busy Saturday; "
                    "the drop is held to |z| >= 4. A product's daily units are small counts: about 1 % of "
                    "ordinary (store, product, day) values also reach the threshold, mostly at weekends, and the "
                    "revenue anomalies move the units of every product of their store that day.",
        },
    }
    write(out / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {len(uploads)} uploads for {len(stores)} stores, {days[0]}..{days[-1]}, "
          f"1 broken{', ' + big['path'] if big else ''} into {out} in {time.monotonic() - started:.1f} s")
    if args.check and not check(out):
        sys.exit(1)


if __name__ == "__main__":
    main()
