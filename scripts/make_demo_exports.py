"""Regenerate the sample exports shipped for `sheets-bridge demo` (deterministic; run by hand).

Usage: python scripts/make_demo_exports.py
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import random
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "sheets_bridge" / "data" / "samples"
OWN = "crmpilot.io"
COMPETITORS = ["pipelinehq.com", "dealflow.co.uk", "salesnest.com", "leadlark.io"]
PLANTED = ["salesgrowthhub.com", "smallbizresources.org", "thecrmreview.net", "startupstack.io",
           "revenuejournal.co.uk", "leadgenweekly.com", "foundernotes.substack.com", "b2bmarketingdaily.com",
           # the demo's Outreach log and Prospects name these: they stay in the gap whatever the draw
           "crminsider.org", "bizreview.com.au", "b2btalk.co.uk", "technotes.co.uk", "saashq.co.uk", "agencybase.org",
           "biznotes.de", "growthacademy.com", "salestimes.com"]
PREFIX = ["sales", "crm", "lead", "growth", "startup", "smallbiz", "founder", "revenue", "b2b", "saas",
          "marketing", "pipeline", "customer", "deal", "tech", "digital", "cloud", "biz", "work", "team",
          "retail", "ecommerce", "agency", "freelance", "remote"]
SUFFIX = ["hub", "insider", "weekly", "journal", "daily", "lab", "guide", "review", "times", "beat", "wire",
          "central", "digest", "zone", "stack", "notes", "talk", "academy", "pro", "base", "hq", "world"]
TLDS = ["com"] * 12 + ["org", "org", "net", "net", "co.uk", "co.uk", "io", "de", "com.au", "fr", "ca", "in",
                       "nl", "es"]
PLATFORMS = ["blogspot.com", "wordpress.com", "github.io", "substack.com", "medium.com"]
SPAM = ["best-casino-bonus-777.xyz", "cheap-seo-links4u.top", "buy-backlinks-fast.click", "free-viagra-pills.biz",
        "seo-links-directory-2024.info", "top-payday-loans.loan", "xx123456seo.com", "link-farm-a-b-c-d.net",
        "win-big-slots.win", "essay-writer-cheap.site", "poker-online-24.bet", "rank-boost-seo.icu"]
PAGES = {
    "resource": [("/resources/sales-tools", "Sales resources: tools and templates we recommend"),
                 ("/useful-links", "Useful links for small business owners"),
                 ("/resources/crm", "CRM resources for growing teams")],
    "roundup": [("/best-crm-software-2026", "The 12 best CRM software picks for 2026"),
                ("/top-10-sales-tools", "Top 10 sales tools for startups"),
                ("/blog/best-lead-management-apps", "Best lead management apps, tested")],
    "comparison": [("/hubspot-vs-pipedrive", "HubSpot vs Pipedrive: which CRM fits?"),
                   ("/crm-alternatives", "7 Salesforce alternatives compared")],
    "review": [("/reviews/pipelinehq-review", "PipelineHQ review: hands-on with the sales pipeline"),
               ("/review/dealflow", "Dealflow review after 6 months")],
    "news": [("/news/2026/05/crm-market-report", "CRM market report: sales teams consolidate tools"),
             ("/blog/state-of-sales-2026", "State of sales 2026: survey of 1,200 reps")],
    "directory": [("/directory/crm-software", "CRM software directory"),
                  ("/listings/sales-tools", "Sales tool listings")],
    "guest": [("/write-for-us", "Write for us: guest post guidelines")],
    "other": [("/about", "About us"), ("/partners", "Our partners"), ("/", "Home")],
}
# the competitors' pages that earned the links: the demo's Targets has an equivalent for most, not for all
COMPETITOR_PAGES = ["", "", "guides/lead-scoring-guide", "blog/best-crm-tools-2026", "compare/hubspot-alternatives",
                    "research/sales-benchmark-report", "tools/sales-forecast-calculator",
                    "blog/customer-churn-playbook", "legal/gdpr-data-processing-agreement"]
ANCHORS = ["crm software", "sales pipeline", "this guide", "click here", "lead scoring template",
           "PipelineHQ", "best CRM", "https://example.com", "customer retention", "read more", "sales tools"]


def pool(rng: random.Random) -> list[str]:
    """About 1,800 plausible referring domains, some on subdomains, shared platforms and ccTLDs."""
    names: set[str] = set()
    while len(names) < 1800:
        name = rng.choice(PREFIX) + rng.choice(SUFFIX)  # names a publication would have, no stray digits
        if rng.random() < 0.07:
            names.add(f"{name}.{rng.choice(PLATFORMS)}")
        else:
            names.add(f"{name}.{rng.choice(TLDS)}")
    return PLANTED + sorted(names) + SPAM + ["203.0.113.7"]


def spell(domain: str, rng: random.Random) -> str:
    """A real-world spelling of a domain: www., a subdomain, upper case, a trailing dot."""
    roll = rng.random()
    if roll < 0.15 and not domain[0].isdigit():
        return "www." + domain
    if roll < 0.22 and domain.count(".") == 1:
        return rng.choice(["blog.", "news.", "m."]) + domain
    if roll < 0.25:
        return domain.upper()
    if roll < 0.27:
        return domain + "."
    return domain


def page(domain: str, rng: random.Random) -> tuple[str, str, str]:
    """An example linking page: URL, title and page kind."""
    kind = rng.choices(list(PAGES), weights=[14, 16, 8, 8, 16, 6, 3, 29])[0]
    path, title = rng.choice(PAGES[kind])
    host = spell(domain, rng)
    if kind == "other" and rng.random() < 0.2:
        host = "forum." + domain if domain.count(".") == 1 else host
        path, title = "/threads/which-crm-do-you-use.4411", "Which CRM do you use? - discussion thread"
    return f"https://{host}{path}", title, kind


def profile(domains: list[str], rng: random.Random, share: float) -> list[str]:
    """The referring domains of one site: popular (early) domains more likely."""
    out = []
    for i, d in enumerate(domains):
        weight = share * (2.2 if i < 200 else 1.0)
        if d in PLANTED or rng.random() < weight:
            out.append(d)
    return out


def dr(rng: random.Random, domain: str) -> int:
    return 2 if domain in SPAM else max(1, min(96, int(rng.gauss(38, 20))))


def traffic(rng: random.Random) -> int:
    return int(10 ** rng.uniform(0, 6.3))


def write_utf16(path: Path, rows: list[list[str]]) -> None:
    lines = ["\t".join(f'"{c}"' for c in row) for row in rows]
    path.write_bytes(codecs.BOM_UTF16_LE + ("\r\n".join(lines) + "\r\n").encode("utf-16-le"))


def write_csv(path: Path, rows: list[list[str]], bom: bool = False) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + buffer.getvalue().encode("utf-8"))


def ahrefs_refdomains(domains: list[str], rng: random.Random, numbered: bool) -> list[list[str]]:
    header = ["Domain", "Is spam", "DR", "Dofollow ref. domains", "Dofollow linked domains", "Traffic ",
              "Keywords ", "Links to target", "Dofollow links", "First seen", "Lost"]
    if numbered:
        header = ["#", "Domain", "Is spam", "DR", "Dofollow ref. domains", "Dofollow linked domains",
                  "Traffic ", "Keywords ", "Links to target", "New links", "Lost links", "Dofollow links",
                  "First seen", "Lost"]
    rows = [header]
    for i, d in enumerate(domains, start=1):
        refs = int(10 ** rng.uniform(0.5, 4.5))
        linked = int(refs * rng.uniform(0.2, 3)) if d not in SPAM else refs * 40 + 900
        lost = f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)} 08:00:00" if rng.random() < 0.04 else ""
        seen = f"20{rng.randint(19, 26)}-0{rng.randint(1, 9)}-{rng.randint(10, 28)} 12:{rng.randint(10, 59)}:00"
        values = [spell(d, rng), "true" if d in SPAM and rng.random() < 0.6 else "false", str(dr(rng, d)),
                  f"{refs:,}", f"{linked:,}", f"{traffic(rng):,}", str(rng.randint(0, 900)),
                  str(rng.randint(1, 40)), str(rng.randint(0, 30)), seen, lost]
        if numbered:
            values = [str(i), *values[:8], "0", "1" if lost else "0", *values[8:]]
        rows.append(values)
    return rows


def ahrefs_backlinks(domains: list[str], rng: random.Random, target: str) -> list[list[str]]:
    header = ["Referring page title", "Referring page URL", "Language", "Platform", "Referring page HTTP code",
              "Domain rating", "Domain traffic", "Referring domains", "Linked domains", "External links",
              "Page traffic", "Keywords", "Target URL", "Left context", "Anchor", "Right context", "Type",
              "Content", "Nofollow", "UGC", "Sponsored", "Rendered", "Raw", "Lost status", "Drop reason",
              "Discovered status", "First seen", "Last seen", "Lost", "Links in group"]
    rows = [header]
    for d in domains:
        rating, refs = dr(rng, d), int(10 ** rng.uniform(0.5, 4.5))
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            url, title, _kind = page(d, rng)
            nofollow = rng.random() < 0.25
            lost = rng.random() < 0.05
            rows.append([title, url, "en", "cms", "200", str(rating), str(traffic(rng)), str(refs),
                         str(int(refs * rng.uniform(0.2, 3))), str(rng.randint(3, 80)), str(rng.randint(0, 900)),
                         str(rng.randint(0, 50)), f"https://{target}/{rng.choice(COMPETITOR_PAGES)}",
                         "see", rng.choice(ANCHORS), "for more",
                         "text", "", str(nofollow).lower(), "false", "false", "true", "true",
                         "removed" if lost else "", "", "", "2025-03-04 10:11:12", "2026-11-01 00:00:00",
                         "2026-10-02 00:00:00" if lost else "", "1"])
    return rows


def semrush_backlinks(domains: list[str], rng: random.Random, target: str) -> list[list[str]]:
    header = ["Page ascore", "Source title", "Source url", "Target url", "Anchor", "External links",
              "Internal links", "Nofollow", "Sponsored", "Ugc", "Text", "Frame", "Form", "Image", "Sitewide",
              "First seen", "Last seen", "New link", "Lost link"]
    rows = [header]
    for d in domains:
        url, title, _kind = page(d, rng)
        rows.append([str(max(0, dr(rng, d) - rng.randint(0, 15))), title, url,
                     f"https://{target}/{rng.choice(COMPETITOR_PAGES)}",
                     rng.choice(ANCHORS), str(rng.randint(2, 120)), str(rng.randint(5, 300)),
                     str(rng.random() < 0.2).lower(), "false", "false", "true", "false", "false", "false",
                     "false", "2024-06-01", "2026-11-20", "false", str(rng.random() < 0.04).lower()])
    return rows


def majestic_backlinks(domains: list[str], rng: random.Random, target: str) -> list[list[str]]:
    header = ["Target URL", "Source URL", "Anchor Text", "Source Crawl Date", "Source First Found Date",
              "FlagNoFollow", "FlagImageLink", "FlagRedirect", "FlagFrame", "FlagOldCrawl", "FlagAltText",
              "FlagMention", "SourceCitationFlow", "SourceTrustFlow", "TargetCitationFlow", "TargetTrustFlow",
              "SourceTopicalTrustFlow_Topic_0", "SourceTopicalTrustFlow_Value_0",
              "RefDomainTopicalTrustFlow_Topic_0", "RefDomainTopicalTrustFlow_Value_0"]
    rows = [header]
    for d in domains:
        url, _title, _kind = page(d, rng)
        tf = max(0, int(dr(rng, d) * 0.6))
        rows.append([f"https://{target}/{rng.choice(COMPETITOR_PAGES)}", url, rng.choice(ANCHORS), "2026-10-30",
                     "2023-02-14",
                     "+" if rng.random() < 0.2 else "-", "-", "-", "-", "-", "-", "-", str(tf + rng.randint(0, 12)),
                     str(tf), "31", "28", "Business/Marketing and Advertising", str(tf), "Business", str(tf)])
    return rows


def main() -> None:
    rng = random.Random(20261126)
    domains = pool(rng)
    OUT.mkdir(parents=True, exist_ok=True)
    own = [d for d in profile(domains[len(PLANTED):], rng, 0.12) if d not in SPAM][:260]
    files = {
        f"{OWN}.ahrefs-referring-domains.csv": (OWN, "Ahrefs referring domains (UTF-16)"),
        "pipelinehq.com.ahrefs-backlinks.csv": ("pipelinehq.com", "Ahrefs backlinks (UTF-16)"),
        "dealflow.co.uk.semrush-backlinks.csv": ("dealflow.co.uk", "Semrush backlinks (UTF-8 with BOM)"),
        "salesnest.com.majestic-backlinks.csv": ("salesnest.com", "Majestic backlinks"),
        "leadlark.io.ahrefs-referring-domains.csv": ("leadlark.io", "Ahrefs referring domains, 14 columns"),
    }
    write_utf16(OUT / f"{OWN}.ahrefs-referring-domains.csv", ahrefs_refdomains(own, rng, numbered=False))
    profiles = {c: profile(domains, rng, share) for c, share in zip(COMPETITORS, [0.3, 0.32, 0.28, 0.3],
                                                                     strict=True)}
    profiles["pipelinehq.com"] += [OWN, "leadlark.io"]
    write_utf16(OUT / "pipelinehq.com.ahrefs-backlinks.csv",
                ahrefs_backlinks(profiles["pipelinehq.com"], rng, "pipelinehq.com"))
    write_csv(OUT / "dealflow.co.uk.semrush-backlinks.csv",
              semrush_backlinks(profiles["dealflow.co.uk"], rng, "dealflow.co.uk"), bom=True)
    majestic = majestic_backlinks(profiles["salesnest.com"], rng, "salesnest.com")
    write_csv(OUT / "salesnest.com.majestic-backlinks.csv", majestic)
    with (OUT / "salesnest.com.majestic-backlinks.csv").open("a", encoding="utf-8") as handle:
        handle.write('https://salesnest.com/,"https://broken-row.example.com/page,unbalanced quote,2026-10-30\n')
    write_utf16(OUT / "leadlark.io.ahrefs-referring-domains.csv",
                ahrefs_refdomains(profiles["leadlark.io"], rng, numbered=True))
    manifest = {"own": OWN, "competitors": COMPETITORS, "planted": PLANTED,
                "files": [{"file": f, "site": s, "format": fmt} for f, (s, fmt) in files.items()]}
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
