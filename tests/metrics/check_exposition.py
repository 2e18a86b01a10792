#!/usr/bin/env python3
"""Parses a Prometheus text exposition with prometheus_client's own parser
and prints what it found as JSON: every sample with its labels, and each
family's type and help. Fails on anything the parser refuses.

    check_exposition.py EXPOSITION.txt
"""

import json
import sys

from prometheus_client.parser import text_string_to_metric_families


def main():
    text = open(sys.argv[1], encoding="utf-8").read()
    families = {}
    for family in text_string_to_metric_families(text):
        families[family.name] = {
            "type": family.type,
            "help": family.documentation,
            "samples": [
                {"name": s.name, "labels": s.labels, "value": s.value}
                for s in family.samples
            ],
        }
    json.dump(families, sys.stdout)


if __name__ == "__main__":
    main()
