#!/usr/bin/env python3
"""iati_check.py - reads an IATI file written by `pairaid export iati` back
(xml.etree, standard library only) and checks it against the ledger's own
figures, read from the same database through the command line:

  * one iati-activity per published project (of the pairing and the pairings
    below it, with --pairing), identified as REPORTING-ORG-REF "-" CODE;
  * per activity: the budget element is the project's budget; the commitments
    add up to it (once approved); the disbursements to the budget report's
    已拨付 (allocated) and the expenditure to its 已支出 (paid), to the fen;
  * every disbursement and expenditure names a transfer of `export transfers`
    by its ref, with that transfer's date and amount;
  * status, dates, country, county and sector are where docs/exchange.md says.

Run by tests/cli/iati.sh:  iati_check.py PAIRAID DB FILE.xml [PAIRING]
Prints one line per problem and exits 1 if there is any.
"""
import csv
import io
import subprocess
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal

STATUS = {"proposed": "1", "approved": "1", "in_progress": "2", "completed": "3", "accepted": "4"}
problems = []


def problem(text):
    problems.append(text)
    print("PROBLEM:", text)


def pairaid(binary, db, *args):
    out = subprocess.run([binary, "--db", db, *args], check=True, capture_output=True)
    return list(csv.DictReader(io.StringIO(out.stdout.decode("utf-8"))))


def fen(text):
    value = Decimal(text) * 100
    if value != value.to_integral_value():
        problem(f"{text!r} has more than two decimals")
    return int(value)


def under(pairings, code, ancestor):
    while code:
        if code == ancestor:
            return True
        code = pairings[code]["parent"]
    return False


def sums(activity):
    totals = {"2": 0, "3": 0, "4": 0}
    for t in activity.findall("transaction"):
        kind = t.find("transaction-type").get("code")
        value = t.find("value")
        if value.get("value-date") != t.find("transaction-date").get("iso-date"):
            problem(f"transaction {t.get('ref')}: value-date is not the transaction's date")
        totals[kind] = totals.get(kind, 0) + fen(value.text)
    return totals


def check_transfers(code, activity, transfers):
    for t in activity.findall("transaction"):
        kind = t.find("transaction-type").get("code")
        if kind == "2":
            continue
        ref = t.get("ref")
        row = transfers.get(ref)
        if row is None:
            problem(f"{code}: transaction {ref!r} is no transfer of the ledger")
            continue
        if t.find("transaction-date").get("iso-date") != row["date"]:
            problem(f"{code}: {ref} dated {t.find('transaction-date').get('iso-date')}, not {row['date']}")
        if abs(fen(t.find("value").text)) != fen(row["amount"]):
            problem(f"{code}: {ref} of {t.find('value').text}, not {row['amount']}")
        for side in ("provider-org", "receiver-org"):
            if t.find(side) is None or not (t.find(side).findtext("narrative") or "").strip():
                problem(f"{code}: {ref} has no {side} name")


def check_activity(code, activity, project, budget, transfers):
    if activity.findtext("title/narrative") != project["name"]:
        problem(f"{code}: title {activity.findtext('title/narrative')!r} is not {project['name']!r}")
    status = activity.find("activity-status").get("code")
    if status != STATUS[project["status"]]:
        problem(f"{code}: activity-status {status} for status {project['status']}")
    starts = [d.get("iso-date") for d in activity.findall("activity-date") if d.get("type") in ("1", "2")]
    if starts != [project["start_date"]]:
        problem(f"{code}: start dates {starts}, not [{project['start_date']}]")
    if activity.find("recipient-country").get("code") != "CN":
        problem(f"{code}: recipient-country is not CN")
    if activity.find("location").get("ref") != "GBT2260-" + project["region"]:
        problem(f"{code}: location {activity.find('location').get('ref')} is not {project['region']}")
    sector = activity.find("sector")
    if sector.get("vocabulary") != "1" or len(sector.get("code")) != 5 or not sector.get("code").isdigit():
        problem(f"{code}: sector {sector.attrib} is not a DAC 5-digit code")
    roles = {p.get("role") for p in activity.findall("participating-org")}
    if not {"1", "2", "4"} <= roles:
        problem(f"{code}: participating-org roles {sorted(roles)} lack funding, accountable or implementing")
    budget_fen = fen(project["budget"])
    values = [fen(b.find("value").text) for b in activity.findall("budget")]
    if values != ([budget_fen] if budget_fen > 0 else []):
        problem(f"{code}: budget {values}, not {project['budget']}")
    totals = sums(activity)
    committed = budget_fen if project["status"] != "proposed" else 0
    expected = {"2": committed, "3": fen(budget["allocated"]), "4": fen(budget["paid"])}
    for kind, name in (("2", "commitment"), ("3", "disbursement"), ("4", "expenditure")):
        if totals[kind] != expected[kind]:
            problem(f"{code}: {name}s add up to {totals[kind]} fen, the ledger says {expected[kind]}")
    check_transfers(code, activity, transfers)


def main():
    binary, db, path = sys.argv[1:4]
    pairing = sys.argv[4] if len(sys.argv) > 4 else None
    pairings = {p["code"]: p for p in pairaid(binary, db, "export", "pairings")}
    projects = {p["code"]: p for p in pairaid(binary, db, "export", "projects")}
    budgets = {b["key"]: b for b in pairaid(binary, db, "budget", "--format", "csv")}
    transfers = {t["id"]: t for t in pairaid(binary, db, "export", "transfers")}
    root = ET.parse(path).getroot()
    if root.tag != "iati-activities" or root.get("version") != "2.03":
        problem(f"root {root.tag} version {root.get('version')}")
    published = {c for c, p in projects.items()
                 if p["public"] == "true" and (pairing is None or under(pairings, p["pairing"], pairing))}
    seen = set()
    for activity in root.findall("iati-activity"):
        ref = activity.find("reporting-org").get("ref")
        identifier = activity.findtext("iati-identifier")
        if not identifier.startswith(ref + "-"):
            problem(f"{identifier} does not start with its reporting-org's ref {ref}")
            continue
        code = identifier[len(ref) + 1:]
        if code in seen or code not in published:
            problem(f"{code}: exported twice or not a published project of the selection")
            continue
        seen.add(code)
        check_activity(code, activity, projects[code], budgets[code], transfers)
    if seen != published:
        problem(f"{len(published - seen)} published projects missing, e.g. {sorted(published - seen)[:3]}")
    print(f"{len(seen)} activities checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
