"""Page types, scores, tiers and the 'why' sentence."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sheets_bridge.gap.classify import classify_pages
from sheets_bridge.gap.score import score_prospects
from sheets_bridge.intake.settings import Settings


def prospect(**fields: object) -> pd.DataFrame:
    base = {"key": "site.com", "source_url": "", "title": "", "anchor": "", "authority": 50.0,
            "authority_scale": "DR", "authority_norm": 0.5, "traffic": 1000.0, "competitors_linking": 2,
            "linked_domains": 10.0, "ref_domains": 100.0, "nofollow_share": 0.0, "contact": "",
            "page_type": "other"}
    base.update(fields)
    return pd.DataFrame([base])


@pytest.mark.parametrize(("url", "title", "anchor", "page_type", "rule"), [
    ("https://site.com/resources/crm", "", "", "resource page", "resource-page"),
    ("https://site.com/useful-links", "", "", "resource page", "resource-page"),
    ("https://site.com/best-crm-software", "", "", "roundup/list", "roundup-url"),
    ("https://site.com/blog/x", "Top 10 sales tools", "", "roundup/list", "roundup"),
    ("https://site.com/hubspot-vs-pipedrive", "", "", "comparison", "comparison"),
    ("https://site.com/x", "Salesforce alternatives", "", "comparison", "comparison"),
    ("https://site.com/reviews/acme", "", "", "review", "review"),
    ("https://site.com/news/2026/05/report", "", "", "editorial/news", "editorial"),
    ("https://site.com/directory/crm", "", "", "directory", "directory"),
    ("https://forum.site.com/threads/which-crm", "", "", "forum/UGC", "forum-host"),
    ("https://www.reddit.com/r/sales/x", "", "", "forum/UGC", "forum-host"),
    ("https://site.com/write-for-us", "", "", "guest post", "guest-post"),
    ("https://site.com/x", "Re: see the discussion thread", "", "forum/UGC", "forum-title"),
    # an anchor is the linker's words about the linked page, not about the page it sits on
    ("https://site.com/x", "", "see the discussion thread", "other", ""),
    # French "Comment" (how) is not "comment", nor a question a forum
    ("https://qonto.com/x", "Comment créer une micro-entreprise ?", "", "other", ""),
    ("https://www.youtube.com/watch?v=ovt7RVSGdYE", "ARNAQUE - YouTube", "", "forum/UGC", "forum-host"),
    ("https://www.free-work.com/fr/forum/t/acre-arce-retour", "", "", "forum/UGC", "forum-host"),
    ("https://servicesalapersonne.1fr1.net/t338-la-mention-ei", "La mention EI", "", "forum/UGC", "forum-host"),
    ("https://alamano-academie.com/nos-partenaires/", "Nos partenaires", "", "resource page", "resource-title"),
    ("https://moodentrepreneurs.fr/partenaires/", "Par ici les meilleurs bons plans", "", "resource page",
     "resource-page"),
    ("https://rigolatis.com/wiki/blogs-et-sites-a-suivre-pour-entreprendre/", "Blogs et sites à suivre", "",
     "roundup/list", "roundup"),
    ("https://www.salonsme.com/espace-exposants/exposants/acme-1709.html", "ACME - Salon SME", "", "directory",
     "directory"),
    ("https://podcasts.apple.com/fr/podcast/acme/id123", "Acme on Apple Podcasts", "", "directory", "directory"),
    ("https://www.dietspotlight.com/relizen-review/", "Relizen Review (UPDATE: 2023) | 18 Things You Need to Know",
     "", "review", "review-url"),
    ("https://shizune.co/investors/internet-investors-india", "Top 50 Internet Startup Investors in India", "",
     "directory", "directory"),
    ("https://site.com/about", "About us", "", "other", ""),
    ("", "", "", "other", "home-page"),  # a domain with no page: its home page
])
def test_page_type_rules(url: str, title: str, anchor: str, page_type: str, rule: str) -> None:
    result = classify_pages(prospect(source_url=url, title=title, anchor=anchor))
    assert (result["page_type"].iloc[0], result["page_rule"].iloc[0]) == (page_type, rule)


def test_scores_in_range_and_priority_is_weighted_sum() -> None:
    p = prospect(title="CRM resources", page_type="resource page")
    settings = Settings(topic_keywords=("crm",), weight_authority=2, weight_relevance=1, weight_feasibility=1)
    s = score_prospects(p, settings, 4).iloc[0]
    for column in ("authority_score", "relevance", "feasibility", "priority"):
        assert 0 <= s[column] <= 1
    expected = 0.5 * s["authority_score"] + 0.25 * s["relevance"] + 0.25 * s["feasibility"]
    assert s["priority"] == pytest.approx(expected, abs=2e-3)


def test_why_sentence() -> None:
    p = prospect(source_url="https://site.com/resources", title="CRM tools resources", authority=54.0,
                 competitors_linking=3, page_type="resource page")
    s = score_prospects(p, Settings(topic_keywords=("crm tools", "sales")), 4).iloc[0]
    assert s["why"] == "DR 54, links to 3 of 4 competitors, resource page about crm tools"


def test_why_without_authority_or_topic() -> None:
    p = prospect(authority=np.nan, authority_norm=np.nan, authority_scale="", traffic=np.nan)
    s = score_prospects(p, Settings(), 2).iloc[0]
    assert s["why"] == "no authority figure, links to 2 of 2 competitors, page"
    assert s["authority_score"] == 0


def test_relevance_rewards_topic_and_overlap() -> None:
    settings = Settings(topic_keywords=("crm",))
    on_topic = score_prospects(prospect(title="crm guide"), settings, 4)["relevance"].iloc[0]
    off_topic = score_prospects(prospect(title="gardening"), settings, 4)["relevance"].iloc[0]
    more_overlap = score_prospects(prospect(title="gardening", competitors_linking=4), settings, 4)
    assert on_topic > off_topic
    assert more_overlap["relevance"].iloc[0] > off_topic


def test_feasibility_by_page_type_and_nofollow() -> None:
    settings = Settings()
    resource = score_prospects(prospect(page_type="resource page"), settings, 4)["feasibility"].iloc[0]
    news = score_prospects(prospect(page_type="editorial/news"), settings, 4)["feasibility"].iloc[0]
    nofollow = score_prospects(prospect(page_type="resource page", nofollow_share=1.0), settings, 4)
    assert resource > news
    assert nofollow["feasibility"].iloc[0] < resource


@pytest.mark.parametrize(("norm", "tier"), [(1.0, "A"), (0.5, "B"), (0.0, "C")])
def test_tiers(norm: float, tier: str) -> None:
    p = prospect(authority_norm=norm, authority=norm * 100, traffic=np.nan, title="crm" if norm else "",
                 page_type="resource page" if norm else "other", competitors_linking=4 if norm else 1)
    if norm == 0.5:
        p = prospect(authority_norm=0.5, traffic=np.nan, competitors_linking=2, page_type="roundup/list")
    assert score_prospects(p, Settings(topic_keywords=("crm",)), 4)["tier"].iloc[0] == tier


@pytest.mark.parametrize(("said", "page_type"), [
    ("Article > Blog post", "editorial/news"),  # Ahrefs writes its page types as a path
    ("Listing > Product", "other"),
    ("Forum", "forum/UGC"),
    ("Something > Unheard of", "other"),
])
def test_an_ahrefs_page_type_path_is_read_from_its_most_specific_part(said: str, page_type: str) -> None:
    frame = prospect(source_url="https://site.example.org/x", title="x", anchor="")
    frame["vendor_page_type"] = said
    assert classify_pages(frame)["page_type"].iloc[0] == page_type
