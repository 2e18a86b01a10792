#!/usr/bin/env python3
"""SQL for the sales database: N stores with DAYS days of store metrics
and product sales ending on END (40 products a store a day), so a day's
analysis can be timed at any number of stores without uploading them.

    python3 bench/sales_history.py N DAYS END > history.sql
"""

import datetime
import json
import random
import sys

n, days, end = int(sys.argv[1]), int(sys.argv[2]), datetime.date.fromisoformat(sys.argv[3])
rng = random.Random(2026)
out = ["DELETE FROM stores; DELETE FROM store_metrics; DELETE FROM product_sales; "
       "DELETE FROM analysis_runs; DELETE FROM analysis_steps;"]
for s in range(1, n + 1):
    out.append(f"INSERT INTO stores (store_id, name, timezone, active, created_at, updated_at) "
               f"VALUES ('store-{s:03}', 'Store {s}', 'America/Chicago', 1, 0, 0);")
for d in range(days):
    date = (end - datetime.timedelta(days=days - 1 - d)).isoformat()
    for s in range(1, n + 1):
        size = 1 + (s % 7) / 3
        products = []
        for p in range(40):
            units = max(0, round(rng.gauss(6 * size, 2)))
            products.append((f"SKU-{p:03}", f"Product {p}", f"cat-{p % 6}", units, units * (2 + p % 9)))
        revenue = sum(p[4] for p in products)
        tx = max(1, int(revenue / 25))
        hourly = json.dumps([tx // 24] * 24)
        mix = json.dumps({"card": 0.65, "cash": 0.13, "mobile": 0.2, "other": 0.02})
        top = json.dumps([{"sku": p[0], "name": p[1], "units": p[3], "revenue": p[4]}
                          for p in sorted(products, key=lambda p: -p[4])[:10]])
        out.append(
            "INSERT INTO store_metrics (date, store_id, version, currency, revenue, transactions, items_sold, "
            "avg_basket, discounts, payment_mix, hourly, top_products, computed_at) VALUES "
            f"('{date}', 'store-{s:03}', 1, 'USD', {revenue}, {tx}, {sum(p[3] for p in products)}, "
            f"{revenue / tx}, 0, '{mix}', '{hourly}', '{top}', 0);")
        rows = ", ".join(f"('{date}', 'store-{s:03}', '{p[0]}', '{p[1]}', '{p[2]}', {p[3]}, {p[4]})" for p in products)
        out.append(f"INSERT INTO product_sales (date, store_id, sku, name, category, units, revenue) VALUES {rows};")
print("\n".join(out))
