#!/usr/bin/env python3
"""Real identifiers for the API fuzzer (scripts/fuzz-api.sh).

Without them nearly every generated ticket number, article id or line code
names nothing, and the fuzzer only ever reaches the handlers' "not found".
This makes a ticket and a chat as the demo customer through the API, reads
what exists (tickets, articles, sections, lines, topics and problems)
and writes a schemathesis.toml binding those values to the parameters and
body fields of the same name, drawn half the time (the other half stays
generated).

usage: fuzz-data.py BASE_URL CUSTOMER_TOKEN ADMIN_TOKEN OUT_TOML
"""

import json
import sys
import urllib.request


def call(base, token, path, body=None):
    request = urllib.request.Request(base + path, method="POST" if body is not None else "GET")
    request.add_header("Authorization", "Bearer " + token)
    data = None
    if body is not None:
        request.add_header("Content-Type", "application/json")
        data = json.dumps(body).encode()
    with urllib.request.urlopen(request, data, timeout=30) as response:
        return json.load(response)


def toml_list(values):
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in values) + "]"


def main():
    base, customer, admin, out = sys.argv[1:5]
    catalog = call(base, customer, "/api/v1/catalog")
    line = catalog[0]
    topic = next(t for t in line["topics"] if not t["order_expected"])
    problem = topic["problems"][0]["code"]
    call(base, customer, "/api/v1/customer/tickets", {
        "line": line["code"], "topic": topic["code"], "problem": problem,
        "description": "Не получается оплатить заказ картой, пишет «ошибка платежа»",
    })
    call(base, customer, "/api/v1/customer/chats", {
        "line": line["code"], "topic": topic["code"],
        "body": "Здравствуйте! Вопрос по оформлению заказа", "client_id": "fuzz-seed-1",
    })

    staff_catalog = call(base, admin, "/api/v1/catalog")
    lines = sorted({l["code"] for l in staff_catalog})
    topics = sorted({t["code"] for l in staff_catalog for t in l["topics"]})
    problems = sorted({p["code"] for l in staff_catalog for t in l["topics"] for p in t["problems"]})
    numbers = sorted({t["number"] for t in call(base, admin, "/api/v1/tickets?limit=100")})
    numbers += sorted({t["number"] for t in call(base, customer, "/api/v1/customer/tickets")})
    sections = call(base, admin, "/api/v1/help/sections")
    section_codes = [s["code"] for s in sections]
    articles = [a["id"] for s in section_codes[:5]
                for a in call(base, admin, "/api/v1/help/sections/" + s)["articles"]]

    dictionaries = {
        "numbers": sorted(set(numbers)),
        "lines": lines,
        "topics": topics,
        "problems": problems,
        "sections": section_codes,
        "articles": articles,
    }
    bindings = {
        "path.number": "numbers", "body.ticket": "numbers", "body.into": "numbers",
        "body.line": "lines", "body.topic": "topics", "body.problem": "problems",
        "path.code": "sections", "body.section": "sections",
        "body.article": "articles",
    }
    with open(out, "w", encoding="utf-8") as f:
        for name, values in dictionaries.items():
            if values:
                f.write(f"[dictionaries.{name}]\nvalues = {toml_list(values)}\n\n")
        f.write("[parameters]\n")
        for key, name in bindings.items():
            if dictionaries[name]:
                f.write(f'"{key}" = {{ dictionary = "{name}", probability = 0.5 }}\n')
    print(f"fuzz data: {len(dictionaries['numbers'])} tickets, {len(lines)} lines, "
          f"{len(topics)} topics, {len(articles)} articles", file=sys.stderr)


if __name__ == "__main__":
    main()
