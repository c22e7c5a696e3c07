"""Prospects judged by their pages: link sellers, spam and non-prospects out with a reason and evidence,
names alone never a verdict, staging hosts and Blogger mirrors keyed right, weak links kept as a segment.

Each expectation is written from what a link builder sees on the page (URL, title, anchor, external links),
not from the product's rules.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from sheets_bridge.gap.classify import classify_pages
from sheets_bridge.gap.clean import clean_links
from sheets_bridge.gap.gap import GapResult, gap
from sheets_bridge.gap.groups import combine_groups, group_export
from sheets_bridge.gap.spam import judge_pages
from sheets_bridge.intake.domains import key_host
from sheets_bridge.intake.ingest import Export, recognise_values
from sheets_bridge.intake.settings import Settings

AHREFS = ["Referring page URL", "Referring page title", "Anchor", "Domain rating", "External links", "Nofollow",
          "Lost"]


def gap_of(exports: list[Export], competitors: list[str], own: str = "", keep: tuple[str, ...] = ()) -> GapResult:
    """The gap of recognised exports, as the pipeline computes it from their link groups."""
    clean, _ = clean_links(combine_groups([group_export(e).groups for e in exports]))  # type: ignore[misc]
    return gap(clean, competitors, own, Settings(your_domain=own), keep)


def run_gap(tabs: dict[str, list[list[object]]], own: str = "", keep: tuple[str, ...] = ()) -> tuple[
        pd.DataFrame, Counter[str], pd.DataFrame]:
    exports = [recognise_values([AHREFS, *rows], f"Tab '{site}'", site) for site, rows in tabs.items()]
    result = gap_of(exports, [s for s in tabs if s != own], own, keep)
    return result.prospects.set_index("key"), result.excluded, result.dropped.set_index("key")


def page(url: str, title: str = "An article", anchor: str = "rival", dr: int = 40, ext: int = 12,
         nofollow: str = "false", lost: str = "") -> list[object]:
    return [url, title, anchor, dr, ext, nofollow, lost]


def types_of(rows: list[tuple[str, ...]]) -> list[str]:
    """The page type of each (url, title[, anchor]) row; the anchor is 'rival' where a row gives none."""
    frame = pd.DataFrame([(*row, "rival")[:3] for row in rows], columns=["source_url", "title", "anchor"])
    return classify_pages(frame.assign(key=""))["page_type"].tolist()


@pytest.mark.parametrize(("row", "reason"), [
    (page("https://best-seo-domains.com/7f0ddeff26c480507e9c0210871505a5-list.html",
          "Where to buy 🚀 aged domains and backlinks 🔥 from Best-SEO-Domains"), "link seller"),
    (page("https://shop.example.org/x", "Buy dofollow backlinks from DR 70 sites"), "link seller"),
    (page("https://dr70-links.co.uk/show-0962a6e254fe2b015109926363b8080814"[:62], "Home"), "spam"),
    (page("https://example.net/cgi-bin/out.cgi?id=12&url=https://rival.com"), "spam"),
    (page("https://swap.example.org/links.php?id=77"), "spam"),
    (page("https://blog.example.com/post", "Some post", ext=4800), "spam"),
    (page("https://news.example.com/story", "Best online casino bonus codes"), "spam"),
    (page("https://en.wikipedia.org/wiki/Rival_Inc"), "not a prospect"),
    (page("https://www.bing.com/images/search?q=rival"), "not a prospect"),
    # pages seen in real Ahrefs and Semrush exports
    (page("https://balletheloisanegri.com.br/wp-content/uploads/how-to/revenu-fiscal-de-reference-2020-bareme",
          "revenu fiscal de référence 2020 barème"), "spam"),
    (page("https://bookmarkjourney.com/story18620576/troy-dendekker", "Troy Dendekker"), "spam"),
    (page("https://www.newyorktime.co/steelo-brim/", "Steelo Brim Wife, Relationship, Career, and Net Worth"),
     "spam"),
    (page("https://biteelement14.pages.dev/how-to-cook-a-veal-shoulder-roast", "How To Cook A Veal Shoulder"),
     "spam"),
    (page("http://elftown.eu/wiki.html?amp%3Bcommentnr=8242729&name=Sammie", "Sammie's Apology"), "spam"),
    (page("https://www.genspark.ai/spark/auto-entrepreneur-et-chomage/bd4c61e1", "Auto-entrepreneur et chômage"),
     "not a prospect"),
    (page("https://playidy.com/videos/latest?page_id=12", "Latest videos"), "not a prospect"),
    (page("https://breezekings.com/oridzin-unveiling-the-natural-elixir/", "Oridzin: Unveiling the Natural Elixir"),
     "spam"),
    (page("https://cfbiblechurch.org/article/raleigh-temple-appointments", "Raleigh Temple Appointments (2024)"),
     "spam"),
    (page("https://www.subtitles.gr/subtitles/Takers-2010-720p/145275/", "Download - Greek subtitles for Takers"),
     "not a prospect"),
    (page("https://descontare.com/tienda/rival.com", "Rival códigos de descuento. Jan 2025"), "not a prospect"),
    (page("https://area52.wowgilden.net/forum-post_1737565.html", "Estadísticas - Forum", anchor="slotwin 138"),
     "spam"),
    (page("https://www.c-line-cuisines.com/?c=8011415", "Buy hotsell dryer balls"), "spam"),
    (page("https://www-allrecipes-com.nproxy.org/items-in-your-fridge-to-throw-out-8716949", "10 Items"),
     "not a prospect"),
    (page("https://bmgfs.top/this-is-the-best-way-to-load-a-dishwasher-8785334", "Bosch Settles the Debate"),
     "spam"),
    (page("https://memphis-cms.altnuxt.com/chomsky-in-memphis/", "Chomsky in Memphis – Memphis Flyer"),
     "not a prospect"),
    (page("https://www.pleasedontkalemyvibe.com/discount-codes", "Affiliate Codes | pleasedontkalemyvibe"),
     "not a prospect"),
    (page("https://www.acis.org.co/portal/comment/reply/8653", "Añadir nuevo comentario | ACIS"), "spam"),
    (page("http://www.yonghengro.gain.tw/viewthread.php?tid=1242576", "wztztk early professionals detained",
          anchor="ltfbor T of some Bi"), "spam"),
    (page("http://www.execulink.com/~mstowe/wwwboard/messages/94374.html", "On electrification",
          anchor="xvdzrs the investigations on the electrification"), "spam"),
    (page("https://blissassignment.com/writing-a-paper-with-watching-some-videos", "Writing A Paper"), "spam"),
    (page("https://iibawards.herokuapp.com/showcase?page=19", "Showcase — Information is Beautiful Awards"),
     "not a prospect"),
    (page("https://www.roadreadycases.com/2019/11/25/with-many-thanks/", "With Many Thanks Notes",
          anchor="my paper writer"), "spam"),
    (page("https://www.mbtshoesclearance.us.com/perjudian-game-strategi/", "Perjudian Game Strategi Terbaik"),
     "spam"),
    (page("http://www.myninjaplease.com/?paged=123&trazodone-extended-release-generic", "myninjaplease"), "spam"),
    (page("https://libertysoft4.github.io/archive/conspiracy/comments/5/c/", "r/conspiracy: Consider this"),
     "spam"),
    (page("http://hhn.domador.net/source/2012/03/2012-03-29.html", "Hacker News"), "spam"),
    (page("https://mioberitdesign.web.app/gallery/dryer-vent-cleaning-canton-mi.html", "Dryer Vent Cleaning"),
     "spam"),
    (page("https://www.cricketlive.co.in/domain-list-425", "cricketlive.co.in | few of top websites"), "spam"),
    (page("https://www.directory5.org/Tools/Home/Health/Medicine/", "Directory 5.org - Health > Medicine"),
     "spam"),
    (page("https://stockanalysis.com/stocks/axla/", "Axcella Health (AXLA) Stock Price & Overview"),
     "not a prospect"),
    (page("https://redlib.nadeko.net/r/bagpipes/rising", "Bagpipes of Scotland and beyond!"), "not a prospect"),
    (page("https://findaddressphonenumbers.com/Address-of-Jalpaiguri-College-029536",
          "Jalpaiguri College Address, Contact Number of Jalpaiguri College"), "not a prospect"),
    (page("http://www.bruce2008.com/", "bruce2008.com is for sale"), "not a prospect"),
    (page("https://lauramoraniglesias.com/you-broke-888/", "เจ้าเจ๊ง888 เป็นเว็บที่ดีที่สุดของไทย ปี 2023"), "spam"),
    (page("http://globeistan.com/?paged=1318", "Page 1318 | TAT"), "spam"),
    (page("https://nzt-eth.ipns.dweb.link/wiki/Working_capital.html", "Working capital"), "not a prospect"),
    (page("https://ipfs.desmos.network/ipfs/QmXoypizjW3WknFiJnKLwHCnL72vedxjQkDDP1mXWo6uco/wiki/Demand.html",
          "Demand"), "not a prospect"),
    (page("https://bcrclubantreprenori.ro/de-ce-este-obligata-aceasta-femeie", "De ce este obligata",
          anchor="http://test.rival.com/clickthrough.php?URL=https"), "spam"),
    (page("http://www.jacksonvilleil.org.dream.website/stay/special-deals/", "Special Deals"), "not a prospect"),
    (page("https://www.loginssearch.com/login/vet-ecpd-login", "Vet Ecpd Login"), "spam"),
    (page("https://illuminati.it/en/component/k2/item/1/1.html?start=1518350", "Welcome to JA Droid"), "spam"),
    (page("https://ebtis.com/2014/11/tilt-brush-could-be-photoshop-for-the-oculus-rift-era/",
          "A Wild Look at What It's Like to Paint Inside an Oculus Rift | WIRED"), "spam"),
    (page("https://affordablenursingwriters.com/category/uncategorized/page/4777/",
          "Uncategorized Archives - Page 4777 of 5570 - Affordable Nursing Writers"), "spam"),
])
def test_bad_pages_are_excluded_with_their_evidence(row: list[object], reason: str) -> None:
    prospects, excluded, dropped = run_gap({"rival.com": [row, page("https://goodblog.com/crm-guide")]})
    assert list(prospects.index) == ["goodblog.com"]
    (key,) = dropped.index
    assert dropped.loc[key, "reason"].startswith(reason + ": ")
    assert dropped.loc[key, "evidence"] != ""
    assert dropped.loc[key, "source_url"] == row[0]
    assert sum(excluded.values()) == 1


@pytest.mark.parametrize("host", ["abc13.com", "pix11.com", "hackaday.io", "bsidesexeter.co.uk",
                                  "cannabisexpertise.com", "my-local-news-site.com", "spbnews.ru"])
def test_a_name_alone_never_excludes_a_good_page(host: str) -> None:
    prospects, excluded, _ = run_gap({"rival.com": [page(f"https://{host}/2024/05/local-story", "Local story")]})
    assert list(prospects.index) == [host]
    assert not excluded


def test_a_poison_word_or_two_weak_name_signals_still_exclude() -> None:
    _, _, dropped = run_gap({"rival.com": [page("https://best-casino-bonus.com/a-b-c"),
                                           page("https://get-more-stuff-now.xyz/a-b-c")]})
    assert dropped.loc["best-casino-bonus.com", "reason"] == "spam: poison word"
    assert dropped.loc["get-more-stuff-now.xyz", "reason"] == "spam: abused TLD and hyphen-heavy name"


def test_a_kept_domain_skips_the_judgements_but_not_the_facts() -> None:
    rows = [page("https://best-seo-domains.com/7f0ddeff26c480507e9c0210871505a5-list.html",
                 "Where to buy aged domains"), page("https://rival.com/self-link")]
    prospects, _, dropped = run_gap({"rival.com": rows}, keep=("best-seo-domains.com", "rival.com"))
    assert list(prospects.index) == ["best-seo-domains.com"]
    assert dropped.loc["rival.com", "reason"] == "a competitor or your own site"


def test_staging_hosts_are_keyed_on_their_own_and_not_prospects() -> None:
    assert key_host("dev.thenation.com").key == "dev.thenation.com"
    assert key_host("stage-www.brand.co.uk").key == "stage-www.brand.co.uk"
    assert key_host("developer.mozilla.org").key == "mozilla.org"
    assert key_host("test.co.uk").key == "test.co.uk"
    prospects, _, dropped = run_gap({"rival.com": [page("https://dev.thenation.com/article/help-funds"),
                                                   page("https://www.thenation.com/article/help-funds")]})
    assert list(prospects.index) == ["thenation.com"]
    assert dropped.loc["dev.thenation.com", "reason"] == "not a prospect: a staging, development or server copy"


def test_copies_on_a_sites_mail_or_control_panel_host_are_keyed_on_their_own_and_not_prospects() -> None:
    """cPanel and mail hosts (``webmail.``, ``smtp.``) answer with the site's pages when misconfigured."""
    assert key_host("webmail.musicalamerica.com").key == "webmail.musicalamerica.com"
    assert key_host("smtp.daviderickson.com").key == "smtp.daviderickson.com"
    assert key_host("mail.cybraryman.com").key == "cybraryman.com"  # a mail host may be the site itself
    assert key_host("smtpjs.com").key == "smtpjs.com"
    prospects, _, dropped = run_gap({"rival.com": [
        page("https://webmail.musicalamerica.com/news/newsstory.cfm?storyid=4429"),
        page("https://www.musicalamerica.com/news/newsstory.cfm?storyid=4429"),
        page("https://hostmaster.escapethereview.co.uk/escape-room/27872/subscape/")]})
    assert list(prospects.index) == ["musicalamerica.com"]
    assert set(dropped.loc[["webmail.musicalamerica.com", "hostmaster.escapethereview.co.uk"], "reason"]) == {
        "not a prospect: a staging, development or server copy"}


def test_blogger_country_mirrors_are_the_blog() -> None:
    assert key_host("kyo9.blogspot.in").key == "kyo9.blogspot.com"
    assert key_host("kyo9.blogspot.co.uk").key == "kyo9.blogspot.com"
    assert key_host("other.blogspot.in").key == "other.blogspot.com"


def test_a_competitors_own_properties_are_not_prospects() -> None:
    prospects, _, dropped = run_gap({"accidentaltheologist.com": [
        page("https://accidentaltheologist.wordpress.com/tag/cia/"), page("https://goodblog.com/a-post-here")]})
    assert list(prospects.index) == ["goodblog.com"]
    assert dropped.loc["accidentaltheologist.wordpress.com", "reason"] == (
        "not a prospect: a property of a site you loaded")


def test_a_review_of_a_competitor_is_a_prospect_and_its_profile_is_not() -> None:
    """``/review/rival`` is an editor reviewing the rival (pitch them yours); ``/user/rival`` is the rival's own."""
    prospects, _, dropped = run_gap({"rivalhq.com": [
        page("https://agencyzone.com/review/rivalhq", "RivalHQ review after 6 months"),
        page("https://chillspot1.com/user/rivalhq", "ChillSpot1 - rivalhq's Channel"),
        page("https://podcast.ausha.co/rivalhq", "RIVALHQ | Ausha"),
        page("https://sites-reviews.com/en/rivalhq.com", "Rivalhq.com - reviews about sites"),
        page("https://www.reviewfoxy.com/reviews/rivalhq.com", "rivalhq.com Reviews - Customer Reviews"),
        page("https://lamicro.fr/wp-content/uploads/2020/05/annual-report-2020.pdf", "Annual report"),
        page("https://kyo9.blogspot.com/", "ようこそ、我がブログへ")]})
    assert set(prospects.index) == {"agencyzone.com", "lamicro.fr", "kyo9.blogspot.com"}
    for key in ("chillspot1.com", "ausha.co", "sites-reviews.com", "reviewfoxy.com"):
        assert dropped.loc[key, "reason"] == "not a prospect: a profile or listing of a site you loaded", key


def test_film_databases_and_mailing_lists_are_work_to_do_yourself() -> None:
    prospects, _, _ = run_gap({"rival.com": [
        page("https://www.jazznearyou.com/nyc/lyric-fury-at-8-00-on-february-24", "Lyric Fury at The Space"),
        page("https://www.austinchronicle.com/events/community/2020-02-16/", "Events - Community"),
        page("https://www.mymovies.it/film/2010/takers/shop/", "Takers in streaming - MYmovies.it"),
        page("https://databaseadvisors.com/pipermail/accessd/2015-January/112636.html", "[AccessD] Ribbon"),
        page("https://goodblog.com/a-post-here")]})
    assert prospects.loc["mymovies.it", "segment"] == "build yourself"
    assert prospects.loc["jazznearyou.com", "segment"] == "build yourself"  # an events calendar: submit yours
    assert prospects.loc["austinchronicle.com", "segment"] == "build yourself"
    assert prospects.loc["databaseadvisors.com", "segment"] == "build yourself"
    assert prospects.loc["goodblog.com", "segment"] == "one competitor"


def test_listings_and_forums_stay_as_work_to_do_yourself() -> None:
    prospects, _, _ = run_gap({"rival.com": [page("https://www.yelp.com/biz/rival-raleigh"),
                                             page("https://forums.example.org/viewtopic.php?t=9"),
                                             page("https://goodblog.com/a-post-here")]})
    assert prospects.loc["yelp.com", "segment"] == "build yourself"
    assert prospects.loc["example.org", "segment"] == "build yourself"
    assert prospects.loc["goodblog.com", "segment"] == "one competitor"


def test_weak_links_to_you_stay_in_a_segment_of_their_own() -> None:
    tabs = {
        "mine.com": [page("https://nofollowblog.com/a-b-c", nofollow="true"),
                     page("https://fewer.com/a-b-c"),
                     page("https://equal.com/a-b-c"),
                     page("https://lostone.com/a-b-c", lost="2026-01-01")],
        "rival.com": [page("https://nofollowblog.com/a-b-c"), page("https://fewer.com/a-b-c"),
                      page("https://fewer.com/d-e-f"), page("https://equal.com/a-b-c"),
                      page("https://lostone.com/a-b-c")],
    }
    prospects, excluded, _ = run_gap(tabs, own="mine.com")
    assert prospects.loc["nofollowblog.com", "segment"] == "weak: only nofollow to you"
    assert prospects.loc["fewer.com", "segment"] == "weak: fewer links to you"
    assert prospects.loc["fewer.com", "weak_note"] == "1 link to you, 2 to rival.com"  # shown in Flags
    assert prospects.loc["lostone.com", "segment"] == "weak: your link was lost"
    assert "equal.com" not in prospects.index
    assert excluded["already links to you"] == 1


def test_a_high_authority_site_with_no_search_traffic_is_a_link_network() -> None:
    header = ["Domain", "DR", "Traffic"]
    rows = [["pbnsite.com", 55, 0], ["realmag.com", 55, 1200], ["smallblog.com", 12, 0], ["unknown.com", 60, ""]]
    result = gap_of([recognise_values([header, *rows], "Tab 'rival.com'", "rival.com")], ["rival.com"])
    assert set(result.prospects["key"]) == {"realmag.com", "smallblog.com", "unknown.com"}
    dropped = result.dropped.set_index("key")
    assert dropped.loc["pbnsite.com", "reason"] == "spam: high authority, no search traffic"
    assert dropped.loc["pbnsite.com", "evidence"] == "DR 55, traffic 0"


def test_a_pasted_search_result_is_spam_and_a_quoted_title_is_not() -> None:
    pages = pd.DataFrame({
        "source_url": ["https://lyjak-u-up.blogspot.com/2021/03/cooking-salmon-fillets-in-foil-baked.html",
                       "https://bitmason.blogspot.com/2012/07/links-for-07-25-2012.html",
                       "https://food.example.org/weeknight-dinners"],
        "title": ["Cooking Salmon Fillets In Foil", "Links for 07-25-2012", "Ten weeknight dinners"],
        "anchor": ["Remove the bottom of the mushrooms and break apart by hand. SALMON BAKED IN FOIL | WizardRecipes",
                   "Why Every Social Media Manager Should Be Under 25 - WizardRecipes",  # a title alone, quoted
                   "this salmon recipe from WizardRecipes"]})  # short, no pasted sentence: an editor's words
    judged = judge_pages(pages, sites=["wizardrecipes.com", "mine.com"])
    assert list(judged["verdict"]) == ["spam", "pitch", "pitch"]
    assert judged.loc[0, "verdict_rule"] == "scraped-snippet" and "wizardrecipes.com" in judged.loc[0, "evidence"]


def test_every_page_rule_is_one_arrow_runs_whole_columns() -> None:
    """Python's ``re`` would read a column row by row; every shipped pattern must be one RE2 reads."""
    import json
    from importlib import resources

    import pyarrow as pa
    import pyarrow.compute as pc

    for name in ("page_signals.json", "page_types.json"):
        data = json.loads(resources.files("sheets_bridge").joinpath("data", name).read_text(encoding="utf-8"))
        for rule in data["rules"]:
            for key in ("pattern", "unless"):
                if rule.get(key):
                    pc.match_substring_regex(pa.array(["x"]), rule[key])  # raises ArrowInvalid if RE2 cannot


def test_an_unless_pattern_clears_the_page_it_finds() -> None:
    """Google's own image search is a search page, not a copy of one; a '?q=' on an archive page is no search."""
    prospects, _, dropped = run_gap({"rival.com": [
        page("https://www.google.com/images/search?q=rival"),
        page("https://copycat.example.org/images/search?q=rival"),
        page("https://krebsonsecurity.com/page/134/?q=channel", "Krebs on Security – Page 134"),
        page("https://thehealthcareblog.com/page/1060/?url=http%3A%2F%2Fmiyabathtowel.com%2F", "THCB – Page 1060"),
        page("https://goodblog.com/a-post-here")]})
    assert dropped.loc["google.com", "reason"] == "not a prospect: a search results page"
    assert dropped.loc["example.org", "reason"].startswith("spam: ")
    assert {"krebsonsecurity.com", "thehealthcareblog.com", "goodblog.com"} <= set(prospects.index)


def test_a_links_page_carries_many_links_by_design_and_a_bare_page_with_as_many_is_a_farm() -> None:
    """2,500 outbound links on a page titled as a links page or a directory is what such a page is for; the same
    count on a page that says nothing of the kind is a link farm. Past five times the limit even a page that
    calls itself a directory is one."""
    prospects, _, dropped = run_gap({"rival.com": [
        page("http://stunthanger.com/stunt_hangar_complete_links_page.htm", "Stunt Hangar Links", ext=2500),
        page("http://roomescapedirectory.org/old.html", "OLD & OBSOLETE - Escape Room Directory", ext=3798),
        page("https://anythingpages.net/page-7/", "Page 7", ext=2500),
        page("https://farmlist.net/list-12/", "Top Websites Directory", ext=10003)]})
    assert {"stunthanger.com", "roomescapedirectory.org"} <= set(prospects.index)
    assert dropped.loc["anythingpages.net", "reason"] == "spam: a link farm page"
    assert dropped.loc["farmlist.net", "reason"] == "spam: a link farm page"


def test_a_competitors_profile_under_a_longer_name_is_its_own_page() -> None:
    """Job boards and social sites name a company's page after it, hyphenated and run on; an editor's article
    whose slug spells the name out stays a prospect."""
    prospects, _, dropped = run_gap({"writinghornets.com": [
        page("https://jobs.iamag.co/companies/writing-hornets-content-experts-3906838", "Writing Hornets Jobs"),
        page("https://hire.digitalscholar.in/employer/writing-hornets-content-experts/", "Writing Hornets"),
        page("https://www.tribewoo.com/WritingHornets/photos", "Writing Hornets | photos"),
        page("https://dreamyard.com/writing-hornets", "Writing Hornets at DreamYard"),
        page("https://goodblog.com/a-post-here")]})
    assert {"dreamyard.com", "goodblog.com"} <= set(prospects.index)
    for key in ("iamag.co", "digitalscholar.in", "tribewoo.com"):
        assert dropped.loc[key, "reason"] == "not a prospect: a profile or listing of a site you loaded", key


def test_a_blog_archive_is_not_a_search_page_and_a_search_is() -> None:
    """Blogger pages its posts at ``/search?updated-max=...``: that is the blog itself; ``?q=`` is a search."""
    prospects, _, dropped = run_gap({"rival.com": [
        page("https://www.pennsylvasia.com/search?updated-max=2012-07-28T18%3A14%3A00&max-results=10",
             "PennsylvAsia"),
        page("https://www.gnomit.com/search/b2b?s=68", "Gnomit search - b2b")]})
    assert "pennsylvasia.com" in prospects.index
    assert dropped.loc["gnomit.com", "reason"] == "not a prospect: a search results page"


def test_words_about_sex_offences_and_health_are_not_adult_content() -> None:
    prospects, _, dropped = run_gap({"rival.com": [
        page("https://sexoffenderonestopresource.com/florida/resources/glades-county-resources/",
             "Glades County Resources - Sex Offender One Stop Resource"),
        page("https://clipsfree.net/watch/12", "Free sex videos")]})
    assert "sexoffenderonestopresource.com" in prospects.index
    assert dropped.loc["clipsfree.net", "reason"] == "spam: gambling, adult or pharmacy content"


def test_listings_linking_with_website_and_single_event_pages_are_work_to_do_yourself() -> None:
    prospects, _, _ = run_gap({"rival.com": [
        page("https://hellobiz.in/services/seo-training?page=1079", "SEO Training", anchor="Go to Website"),
        page("https://fr.myrockshows.com/event/725182-apostasy-the-state-house/", "Concert de Apostasy"),
        page("https://blog.example.com/2021/05/why-we-love-the-state-house", "Why we love it", anchor="Website"),
        page("https://goodblog.com/a-post-here")]})
    assert prospects.loc["hellobiz.in", "segment"] == "build yourself"
    assert prospects.loc["myrockshows.com", "segment"] == "build yourself"
    assert prospects.loc["example.com", "segment"] != "build yourself"  # an article that links with 'Website'


def test_catalogue_records_comparison_listings_and_bookmark_users_are_typed_by_what_they_are() -> None:
    rows = [
        ("http://malrep.uum.edu.my/rep/Record/my.utp.eprints.2574/Holdings",
         "Holdings: Organizational Structure and Performance of Plant Turnaround Maintenance", "intellectbase"),
        ("https://www.techimply.com/comparesoftware-details/fieldaware-vs-rival", "FieldAware Vs Rival",
         "Visit Website"),
        ("https://www.g2-like.example/blog/fieldaware-vs-rival", "FieldAware vs Rival: which to pick", "Rival"),
        ("https://share.bizsugar.com/user/history/DorothyAtForty/page/3", "Small business news; tips", "rival"),
        ("http://wikicfp.com/cfp/servlet/event.showcfp?eventid=24056", "Rival Bangkok 2013 : Conference", "rival"),
        ("https://archive.nytimes.com/wordplay.blogs.nytimes.com/2014/01/06/2013/",
         "Numberplay 2013: A Year in Review - The New York Times", "Rival's database"),
        ("http://cse.unl.edu/~choueiry/F15-421-821/online.html", "Fall 2015, CSCE 421/821", "Rival Inc."),
    ]
    types = types_of(rows)
    assert types[0] == "other"  # a library record, not an article
    assert types[1] == "directory"  # a listing's generated 'X vs Y' page with a Visit Website button
    assert types[2] == "comparison"  # a written comparison stays one
    assert types[3] == "forum/UGC"
    assert types[4] == "directory"
    assert types[5] != "review"  # 'a year in review' is not a product review
    assert types[6] == "resource page"


def test_a_publishers_own_title_is_not_a_copy_and_a_news_index_or_cv_may_carry_many_links() -> None:
    prospects, _, dropped = run_gap({"rival.com": [
        page("https://www.wired.com/2014/11/tilt-brush/", "A Wild Look at Painting Inside an Oculus Rift | WIRED"),
        page("http://millcitytimes.com/news/?currentPage=116", "Minneapolis Riverfront News", ext=1050),
        page("https://allisongrayhurst.com/cv-curriculum-vitae/", "CV | Allison Grayhurst", ext=1383),
        page("https://plain.example.org/some-page/", "Some page", ext=1383),
        page("https://goodblog.com/a-post-here")]})
    assert {"wired.com", "millcitytimes.com", "allisongrayhurst.com"} <= set(prospects.index)
    assert dropped.loc["example.org", "reason"].startswith("spam: ")  # as many links on a bare page: a farm


def test_event_listings_app_downloads_and_profile_hosts_are_listings() -> None:
    rows = [
        ("https://visitdowntownpeoria.com/event/showall/view/showall_Day/time/1554526800", "Showing Events"),
        ("https://www.sidecarsupperclub.com/events/2021/6/4/miles-over-mountains", "Miles Over Mountains"),
        ("https://evvntly.com/event/ev-893ee6ce20", "Miles Over Mountains | Arlington Heights, IL"),
        ("https://tilt-brush-gallery.de.uptodown.com/android/download", "Lade Tilt Brush Gallery 1.2 herunter"),
        ("https://profiles.sonicbids.com/band/amandaayalamusic/", "Sonicbids"),
        ("https://aitoolsnest.example/tool/rival-writer", "Rival Writer: pricing and features"),
        ("https://www.example-news.com/2021/06/04/the-summer-concert-season-opens", "The summer season opens"),
    ]
    assert types_of(rows) == ["directory"] * 6 + ["editorial/news"]


def test_a_competitors_booking_pages_on_a_reservations_platform_are_its_own() -> None:
    prospects, _, dropped = run_gap({"blessingsonstate.com": [
        page("https://secure.thinkreservations.com/blessingsonstate/reservations", "Blessings on State B&B"),
        page("https://bookings.example.net/blessingsonstate/gift-certificates", "Gift certificates"),
        page("https://goodblog.com/a-post-here")]})
    assert list(prospects.index) == ["goodblog.com"]
    assert set(dropped["reason"].str.split(":").str[0]) == {"not a prospect"}


def test_a_thai_brand_number_is_gambling_and_a_thai_year_is_not() -> None:
    prospects, _, dropped = run_gap({"rival.com": [
        page("https://lauramoraniglesias.com/you-broke-888/", "เจ้าเจ๊ง888 เว็บที่ดีที่สุด"),
        page("https://www.thairath.co.th/news/local/2745123", "ข่าวเด่นปี2566 สรุปเหตุการณ์"),
        page("https://goodblog.com/a-post-here")]})
    assert "thairath.co.th" in prospects.index
    assert dropped.loc["lauramoraniglesias.com", "reason"].startswith("spam: ")


def test_a_titled_collection_of_data_programs_or_notes_is_a_resource_page() -> None:
    rows = [
        ("https://rectech.seattle.gov/police/information-and-data/data/use-of-force-data",
         "Use of Force Data - Police"),
        ("https://make.wordpress.org/community/floss-community-programs/", "FLOSS Community Programs – Make WordPress"),
        ("https://www.javahotchocolate.com/notes/elk.html", "ELK Stack Notes"),
        ("https://info.intgovforum.org/en/content/notes", "NOTES | Internet Governance Forum"),
        ("https://news.example.com/2024/05/jobs-data-beats-forecasts", "Jobs data beats forecasts as hiring picks up"),
    ]
    types = types_of(rows)
    assert types[:3] == ["resource page"] * 3
    assert types[3] != "resource page"  # a bare 'Notes' page is a page, not a collection
    assert types[4] == "editorial/news"


def test_an_article_addressed_by_its_id_in_the_query_is_an_article() -> None:
    rows = [("https://collectiblescentral.com/ReadNewsArticle.aspx?newsid=4", "Imperial Auction's Vintage Rarities"),
            ("https://www.example.org/index.php?option=com_content&story_id=881", "Council opens new library"),
            ("https://www.example.org/index.php?page=contact", "Contact us")]
    assert types_of(rows) == ["editorial/news", "editorial/news", "other"]


def test_a_newsletter_issue_is_editorial_and_newsletters_to_follow_are_a_roundup() -> None:
    rows = [("https://myemail.constantcontact.com/May-2024-Newsletter---Village-Employees",
             "May 2024 Newsletter - Fund"),
            ("https://squashandeducation.org/summer-2014-e-newsletter/", "Summer 2014 E-Newsletter / Squash Alliance"),
            ("https://example.com/guides/newsletters-to-follow", "12 newsletters to follow in 2025")]
    assert types_of(rows) == ["editorial/news", "editorial/news", "roundup/list"]


def test_a_best_or_favourite_list_is_a_roundup_and_a_top_story_is_not() -> None:
    rows = [("https://stufflovely.com/revealed-the-best-companies-to-work-for",
             "Revealed: the best companies to work for"),
            ("https://schoolhousereviewcrew.com/our-favorite-curriculum/", "Our Favorite Curriculum - Homeschooling"),
            ("https://www.vacationhomerents.com/italian-restaurants-woodbury-mn",
             "Top Best Italian Restaurants in Woodbury"),
            ("https://news.example.com/2024/05/council-votes-on-budget", "The top story tonight: council votes")]
    assert types_of(rows) == ["roundup/list"] * 3 + ["editorial/news"]


def test_software_directories_and_their_compare_pages_are_listings_and_an_editorial_comparison_is_not() -> None:
    rows = [("https://www.spotsaas.com/compare/stripe-climate-vs-acme-carbon",
             "Stripe Climate or Acme Carbon? A Comprehensive Review", "Get Free Trial"),
            ("https://apps.example.io/product/greenkpi/alternatives", "Top 10 GreenKPI Alternatives in 2024",
             "Start your free trial"),
            ("https://compare.example.io/compare/acme-vs-rival", "Acme or Rival? A Comprehensive Review",
             "Get Free Trial"),
            ("https://www.softwareworld.co/top-csr-software/", "List of Top CSR Software"),
            ("https://www.saas-alternatives.com/software-review/acme-carbon/", "Acme Carbon Review Pricing & Features"),
            ("https://blog.freight.example/freightdesk-vs-freightview-in-depth-look",
             "FreightDesk Online vs. Freightview: An In-Depth Look", "environmentally conscious"),
            ("https://saashub.blogspot.com/2020/01/crm-tools-we-use.html", "CRM tools we use")]  # a blog, not the site
    assert types_of(rows) == ["directory"] * 5 + ["comparison", "editorial/news"]


def test_faculty_people_and_speaker_pages_are_listings_and_a_biography_is_not() -> None:
    rows = [("https://tetrad.ucsf.edu/faculty/jeremy-willsey", "Faculty | Tetrad Graduate Program"),
            ("https://tetrad.ucsf.edu/faculty/frances-brodsky?order=field_person_last_name&sort=asc",
             "Faculty | Tetrad Graduate Program"),
            ("https://www.czbiohub.org/sf/people/", "People - CZ Biohub San Francisco"),
            ("https://symposium.example.org/2018/speakers", "Speakers | BMCB/GGD Symposium"),
            ("http://www.returntothepit.com/band.php?allShow=1&band=sublime_decomposition", "Band.RttP"),
            ("https://www.nps.gov/people/willa-cather.htm", "Willa Cather (U.S. National Park Service)")]
    assert types_of(rows) == ["directory"] * 5 + ["other"]


def test_a_numbered_blog_list_page_is_an_archive() -> None:
    rows = [("https://benjaminbarad.com/blog/page2/", "Benjamin Barad"),
            ("https://dinicolalab.org/news/page5/", "News from the Fraser Lab"),
            ("https://example.com/news/page-one-of-the-report", "Page one of the report")]
    assert types_of(rows)[:2] == ["other", "other"]
    assert types_of(rows)[2] != "other"


@pytest.mark.parametrize(("row", "reason"), [
    (page("https://publiciconic.vercel.app/posts/4-bedroom-raised-ranch-house-plans/",
          "4 Bedroom Raised Ranch House Plans"), "spam"),
    (page("https://playbackyard4u.web.app/cheap/certainteed-perforated-vinyl-soffit.html",
          "Certainteed Perforated Vinyl Soffit"), "spam"),
    (page("https://tisdale.top/fn-dish/news/food-network-trend-predictions-2022",
          "We've Predicted the Biggest Food Trends of 2022 | FN Dish : Food Network | Food Network"), "spam"),
    (page("https://www.realwire.com/RealShowcase.asp?page=previous&story=20150724",
          "Coverage Example | Case Study | Walkbase announces three of the UK's top five"), "not a prospect"),
    (page("https://everything.explained.today/Nisbets/", "Nisbets Explained"), "not a prospect"),
    (page("https://leadiq.com/c/bioaccel/5a1da0c82300005b0091e3a6/email-format",
          "BioAccel Email Formats & Email Address Examples"), "not a prospect"),
    (page("https://aeroleads.com/p/smithshaun", "Shaun Smith Email, Phone Number, Company"), "not a prospect"),
    (page("https://myworthweb.com/it/upcoming?page=527", "Lista dei nuovi siti web. Pagina 527"), "not a prospect"),
    (page("https://www.researchupon.com/wow-baking-company", "WOW Baking Company | Research Upon"),
     "not a prospect"),
    (page("https://ec2-52-48-248-48.eu-west-1.compute.amazonaws.com/escape-room/27872/subscape-poway/",
          "Subscape Poway: Oracle Mystery - Escape the Review"), "not a prospect"),
    (page("https://worddisk.com/wiki/BMW_M88/", "BMW_M88 - Wikipedia @ WordDisk"), "not a prospect"),
    (page("http://j.mp/QEdlwF", ""), "not a prospect"),
    (page("https://www.publicnow.com/view/82504F74A4DEA7E4C3BB024648E96FBB3664F709",
          "Arizona Commerce Authority (via Public)"), "not a prospect"),
])
def test_generated_copied_and_syndicated_pages_are_excluded(row: list[object], reason: str) -> None:
    prospects, _, dropped = run_gap({"rival.com": [row]})
    assert prospects.empty
    assert dropped.iloc[0]["reason"].startswith(reason)


def test_a_project_page_on_an_app_host_and_a_publishers_own_page_are_kept() -> None:
    prospects, _, _ = run_gap({"rival.com": [
        page("https://nextjs-github-browser.vercel.app/scaleapi/pandaset-devkit", "nextjs-github-browser"),
        page("https://www.foodnetwork.com/fn-dish/news/food-trend-predictions-2022",
             "We've Predicted the Biggest Food Trends of 2022 | FN Dish : Food Network | Food Network")]})
    assert set(prospects.index) == {"nextjs-github-browser.vercel.app", "foodnetwork.com"}


def test_a_lower_case_query_page_planted_on_a_site_is_spam_and_an_editors_post_is_not() -> None:
    pages = pd.DataFrame({
        "source_url": ["http://apsolution.al/xgyyqmj/merit-pay-and-performance-appraisal",
                       "https://misawa-kk.co.jp/the-legend/moon-mist-ice-cream-usa",
                       "https://peppersmith.co.uk/blogs/news/six-ways-to-start-your-zero-waste-journey",
                       "https://example.org/guides/merit-pay-and-performance-appraisal",
                       "https://example.net/notes/merit-pay-explained"],
        "title": ["merit pay and performance appraisal", "moon mist ice cream usa - Recipe",
                  "six ways to start your zero waste journey",  # lower case, but in the shop's own blog
                  "Merit Pay and Performance Appraisal",  # an editor's capitals
                  "merit pay and performance appraisal"],  # not the URL's words
        "anchor": ["pay rewards", "Moon Mist", "peppersmith", "merit pay", "merit pay"]})
    judged = judge_pages(pages)
    assert list(judged["verdict"]) == ["spam", "spam", "pitch", "pitch", "pitch"]
    assert "lower case" in judged.loc[0, "evidence"] and judged.loc[1, "verdict_rule"] == "keyword-doorway"


def test_a_review_sites_listing_is_a_listing_and_a_review_is_a_review() -> None:
    rows = [("https://www.sockscap64.com/games/game/world-rally-2/",
             "World Rally 2 Reviews, News, Descriptions, Walkthrough and System Requirements"),
            ("https://listings.example.com/acme-widgets", "Acme Widgets - Customer Reviews and Contact Details"),
            ("https://dealrated.example.com/acme-widgets", "Acme Widgets Reviews And Details 2025"),
            ("https://www.thekitchn.com/plantbelly-online-grocery-review-23270488",
             "PlantBelly Online Grocery Review | The Kitchn"),
            ("https://www.bookbrowse.com/mag/reviews/index.cfm/book_number/3413/agnostic",
             "Book Review: Agnostic by Lesley Hazleton")]
    assert types_of(rows) == ["directory", "directory", "directory", "review", "review"]
    pages = pd.DataFrame(rows, columns=["source_url", "title"]).assign(anchor="rival")
    assert list(judge_pages(pages)["verdict"]) == ["build", "build", "build", "pitch", "pitch"]


def test_an_entry_under_a_listings_folder_is_a_listing_and_a_long_article_slug_there_is_not() -> None:
    rows = [("https://www.starsheep.net/game/world-enduro-rally", "World Enduro Rally - Starsheep.net"),
            ("https://hearitthere.com/venue/the-state-house/", "The State House, New Haven - Hear It There"),
            ("https://apps.example.com/apps/acme-notes", "Acme Notes"),
            ("https://www.example-games.com/games/why-this-rally-game-finally-gets-mud-right",
             "Why this rally game finally gets mud right")]
    assert types_of(rows) == ["directory", "directory", "directory", "editorial/news"]
    pages = pd.DataFrame(rows, columns=["source_url", "title"]).assign(anchor="rival")
    assert list(judge_pages(pages)["verdict"]) == ["build", "build", "build", "pitch"]


def test_a_page_typed_a_listing_or_a_forum_is_work_to_do_yourself_even_where_no_verdict_rule_says_so() -> None:
    prospects, _, _ = run_gap({"rival.com": [
        page("https://moreandmorenetwork.com/business-directory/wpbdp_tag/content-experts/",
             "Content Experts - More and More Network"),  # a business directory's tag page
        page("https://www.cockpitbuilders.com/index.php?topic=2932.0", "Overhead panel wiring"),  # a forum topic
        page("https://goodblog.com/how-we-wired-our-overhead-panel", "How we wired our overhead panel"),
        page("https://slotsfinder.net/directory/online-casino-bonus", "Online casino bonus directory")]})  # spam
    assert "slotsfinder.net" not in prospects.index
    assert prospects.loc["moreandmorenetwork.com", "segment"] == "build yourself"
    assert prospects.loc["moreandmorenetwork.com", "verdict_reason"] == "a listing or profile: add your own entry"
    assert prospects.loc["cockpitbuilders.com", "segment"] == "build yourself"
    assert prospects.loc["cockpitbuilders.com", "verdict_reason"] == "a forum or community: take part yourself"
    assert prospects.loc["goodblog.com", "segment"] == "one competitor"
    assert prospects.loc["goodblog.com", "page_type"] == "editorial/news"


def test_a_site_whose_every_link_is_marked_user_generated_is_a_comment_to_post_yourself() -> None:
    header = ["Source url", "Source title", "Anchor", "Nofollow", "Ugc"]
    rows = [["https://dtkaustin.com/how-to-layer-on-a-budget/", "How to Layer on a Budget", "Lauren", "true", "true"],
            ["https://bigblog.com/winter-layering-guide", "Winter layering guide", "Lauren", "true", "true"],
            ["https://bigblog.com/best-coats-2024", "The best coats of 2024", "rival", "false", "false"],
            ["https://news.example.org/stories/layering", "Layering, explained", "rival", "false", "false"]]
    export = recognise_values([header, *rows], "Tab 'rival.com'", "rival.com")
    prospects = gap_of([export], ["rival.com"]).prospects.set_index("key")
    assert prospects.loc["dtkaustin.com", "segment"] == "build yourself"
    assert "user-generated" in prospects.loc["dtkaustin.com", "verdict_reason"]
    assert prospects.loc["bigblog.com", "segment"] == "one competitor"  # one of its links is an editor's
    assert prospects.loc["example.org", "segment"] == "one competitor"


def test_a_blogger_post_linking_a_pasted_sentence_is_spam_and_a_bloggers_own_link_is_not() -> None:
    pages = pd.DataFrame({
        "source_url": ["https://allimagesbuster.blogspot.com/2021/07/dracaena-pink-edges-care-fertilizer.html",
                       "https://captionspagesus.blogspot.com/2021/09/beauty-standards-in-colombia.html",
                       "https://bitmason.blogspot.com/2012/07/links-for-07-25-2012.html",
                       "https://gardenjournal.blogspot.com/2021/07/repotting-my-dracaena.html",
                       "https://www.example-news.com/2021/07/dracaena-care.html"],
        "title": ["Dracaena Pink Edges / Care, fertilizer, repot", "Beauty Standards In Colombia - Captions Pages",
                  "Links for 07-25-2012", "Repotting my dracaena", "Dracaena care"],
        "anchor": ["Dracaena plants are sensitive to the chemicals found in most tap water",
                   "Dating Colombian Men What They Think They Want Vs What They Really Want",
                   "Why Every Social Media Manager Should Be Under 25 - NextGen Journal -",  # a quoted title
                   "this guide",  # a blogger's own words
                   "Dracaena plants are sensitive to the chemicals found in most tap water"]})  # not a Blogger post
    judged = judge_pages(pages)
    assert list(judged["verdict"]) == ["spam", "spam", "pitch", "pitch", "pitch"]
    assert judged.loc[0, "verdict_rule"] == "blogger-snippet-post"
    assert judged.loc[0, "evidence"].startswith("anchor and URL 'Dracaena plants are sensitive")


def test_a_site_whose_every_link_is_marked_sponsored_is_flagged_a_paid_placement(tmp_path: Path) -> None:
    import datetime as dt

    from sheets_bridge.service.file_gap import gap_from_files

    export = tmp_path / "rival.com.csv"
    export.write_text(
        "Source url,Source title,Anchor,Nofollow,Sponsored,Ugc\n"
        "https://paidposts.com/2024/05/best-crm-tools,Best CRM tools,rival,false,true,false\n"
        "https://paidposts.com/2024/06/crm-guide,CRM guide,rival,false,true,false\n"
        "https://mixedmag.com/2024/05/crm-news,CRM news,rival,false,true,false\n"
        "https://mixedmag.com/2024/06/crm-review,CRM review,rival,false,false,false\n", encoding="utf-8")
    result = gap_from_files([export], None, None, dt.date(2026, 12, 1))
    flags = dict(zip(result.prospects["Domain"], result.prospects["Flags"], strict=True))
    assert "paid (sponsored) links only" in flags["paidposts.com"]
    assert "paid (sponsored) links only" not in flags["mixedmag.com"]  # one of its links is unpaid


def test_entries_on_listing_sites_are_work_to_do_yourself_and_their_editorial_sections_are_pitched() -> None:
    """A business's page on a citation site, a professional's profile, an app's store page: the business, the
    professional or the developer adds it. The same sites' news, advice and article sections are edited."""
    listings = [
        ("https://www.mapquest.com/us/illinois/acme-plumbing-348712345",
         "Acme Plumbing, 12 Main St, Springfield, IL - MapQuest"),
        ("https://www.merchantcircle.com/acme-plumbing-springfield-il", "Acme Plumbing - Springfield, IL"),
        ("https://play.google.com/store/apps/details?id=com.rival.app&hl=en", "Rival - Apps on Google Play"),
        ("https://www.avvo.com/attorneys/62704-il-jane-doe-1234567.html", "Jane Doe, Attorney in Springfield"),
        ("https://www.futurepedia.io/tool/rival", "Rival AI: Features, Pricing and Alternatives"),
    ]
    edited = [
        ("https://porch.com/advice/best-cities-for-single-millennials", "The Best Cities for Single Millennials"),
        ("https://news.booking.com/booking-com-announces-its-finalists/", "Booking.com announces its finalists"),
        ("https://www.angi.com/articles/how-much-does-a-plumber-cost.htm", "How Much Does a Plumber Cost?"),
        ("https://notmapquest.com/2020/05/a-guide-to-springfield", "A guide to Springfield"),  # another site
    ]
    types = types_of(listings + edited)
    assert types[:5] == ["directory"] * 5
    assert "directory" not in types[5:]
    prospects, _, _ = run_gap({"rival.com": [page(url, title) for url, title in listings + edited]})
    for key in ("mapquest.com", "merchantcircle.com", "play.google.com", "avvo.com", "futurepedia.io"):
        assert prospects.loc[key, "segment"] == "build yourself", key
        assert "listing" in prospects.loc[key, "verdict_reason"], key
    judged = judge_pages(pd.DataFrame([(url, title, "rival") for url, title in listings + edited],
                                      columns=["source_url", "title", "anchor"]))
    assert judged["verdict"].tolist() == ["build"] * 5 + ["pitch"] * 4  # each page, on its own
    for key in ("porch.com", "booking.com", "angi.com", "notmapquest.com"):
        assert prospects.loc[key, "segment"] != "build yourself", key
        assert prospects.loc[key, "verdict"] == "pitch", key


def test_site_statistics_and_whois_pages_are_not_prospects_and_a_health_agency_is_not_a_whois() -> None:
    """A traffic estimate, a safety check or a whois record of a domain is generated for every domain there
    is: no one there chose to link. The World Health Organization's ``who.int`` is not ``who.is``."""
    prospects, _, dropped = run_gap({"rival.com": [
        page("https://www.similarweb.com/website/rival.com/", "rival.com Traffic Analytics, Ranking & Audience"),
        page("https://www.scamadviser.com/check-website/rival.com", "rival.com Reviews: is it legit or a scam?"),
        page("https://who.is/whois/rival.com", "rival.com WHOIS, DNS, & Domain Info"),
        page("https://www.who.int/news-room/fact-sheets/detail/obesity", "Obesity and overweight"),
        page("https://goodblog.com/a-post-here")]})
    for key in ("similarweb.com", "scamadviser.com", "who.is"):
        assert dropped.loc[key, "reason"] == "not a prospect: a data or statistics scraper", key
    assert {"who.int", "goodblog.com"} <= set(prospects.index)


def test_social_profiles_are_claimed_yourself_and_a_host_ending_in_a_platforms_name_is_not_one() -> None:
    """A company's page on a social platform is its own to set up; ``smart.me`` is not Telegram's ``t.me``."""
    prospects, _, _ = run_gap({"rival.com": [
        page("https://www.facebook.com/rivalco/", "Rival Co | Facebook"),
        page("https://www.linkedin.com/company/rival-co", "Rival Co | LinkedIn"),
        page("https://t.me/rivalco", "Telegram: Contact @rivalco"),
        page("https://bsky.app/profile/rival.com", "Rival (@rival.com) — Bluesky"),
        page("https://smart.me/2021/05/how-we-meter-energy", "How we meter energy"),
        page("https://goodblog.com/a-post-here")]})
    for key in ("facebook.com", "linkedin.com", "t.me", "bsky.app"):
        assert prospects.loc[key, "segment"] == "build yourself", key
        assert "social platform" in prospects.loc[key, "verdict_reason"], key
    assert prospects.loc["smart.me", "verdict"] == "pitch"


def test_archived_and_cached_copies_are_not_prospects_and_an_archives_own_pages_are() -> None:
    """The Wayback Machine or archive.today keep a copy of someone else's page: no one there links to you.
    A site's own archive of its posts, or an archivist's article, is that site's page."""
    prospects, _, dropped = run_gap({"rival.com": [
        page("https://web.archive.org/web/20190101000000/https://oldblog.net/best-crm-tools/", "Best CRM tools"),
        page("https://archive.ph/2021.05.04-101010/https://news.example.com/story", "A story"),
        page("https://goodblog.com/archive/2019/05/"),
        page("https://www2.archivists.org/news/2023/why-we-archive", "Why we archive")]})
    for key in ("archive.org", "archive.ph"):
        assert dropped.loc[key, "reason"] == "not a prospect: an archived or cached copy of another page", key
    assert {"goodblog.com", "archivists.org"} <= set(prospects.index)


def test_a_referring_domains_export_counts_the_links_it_says_each_domain_has() -> None:
    """A referring-domains row is one domain with the links it has to the site ('Links to target' 22), not one
    link: a domain with 22 links to you and 2 pages linking a rival already links to you, and one with a
    single link to you and 5 to a rival links to you less."""
    header = ["Domain", "DR", "Links to target"]
    mine = recognise_values([header, ["plenty.com", 40, 22], ["once.com", 40, 1]], "Tab 'mine.com'", "mine.com")
    rival = recognise_values([AHREFS, page("https://plenty.com/a-b-c"), page("https://plenty.com/d-e-f"),
                              *[page(f"https://once.com/post-{i}") for i in range(5)]], "Tab 'rival.com'", "rival.com")
    result = gap_of([mine, rival], ["rival.com"], "mine.com")
    prospects = result.prospects.set_index("key")
    assert "plenty.com" not in prospects.index and result.excluded["already links to you"] == 1
    assert prospects.loc["once.com", "segment"] == "weak: fewer links to you"
    assert prospects.loc["once.com", "competitor_pages"].endswith("(5)")


def test_with_one_competitor_loaded_a_domain_links_to_one_competitor_not_to_all() -> None:
    """'Links to all competitors' is a strong signal only when there are several to link to."""
    one, _, _ = run_gap({"rival.com": [page("https://goodblog.com/a-post-here")]})
    assert one.loc["goodblog.com", "segment"] == "one competitor"
    two, _, _ = run_gap({"rival.com": [page("https://goodblog.com/a-post-here")],
                         "other.com": [page("https://goodblog.com/another-post")]})
    assert two.loc["goodblog.com", "segment"] == "all competitors"


def test_footer_credits_and_product_badges_are_not_prospects_and_sentences_with_by_are() -> None:
    """'Website by Rival Studio' in a client's footer, 'Powered by Rival' under a booking widget: the site
    uses the competitor's service or product; no editor chose the link. A sentence that happens to hold
    'by' is an editor's anchor."""
    prospects, _, dropped = run_gap({"rival.com": [
        page("https://bakery-client.com/", "Home - Bakery", anchor="Website by Rival Studio"),
        page("https://salon-client.com/book", "Book an appointment", anchor="Powered by Rival"),
        page("https://agency-client.co.uk/", "Home", anchor="Designed and developed by Rival Co"),
        page("https://techmag.com/2024/ai-in-sales", "AI in sales", anchor="powered by AI: how teams use it"),
        page("https://craftblog.com/a-post-here", "Our workshop", anchor="Made by hand")]})
    for key in ("bakery-client.com", "salon-client.com", "agency-client.co.uk"):
        assert dropped.loc[key, "reason"].startswith("not a prospect: a credit or badge"), key
    assert {"techmag.com", "craftblog.com"} <= set(prospects.index)


def test_app_marketplace_and_plugin_directory_entries_are_listings_and_their_blogs_are_not() -> None:
    """A SaaS competitor's integration page on Zapier, its Shopify app or its WordPress plugin page: the
    competitor listed itself there, and so can you. Zapier's blog is edited."""
    rows = [
        ("https://zapier.com/apps/rival/integrations", "Rival Integrations | Connect Your Apps with Zapier"),
        ("https://apps.shopify.com/rival-reviews", "Rival Reviews | Shopify App Store"),
        ("https://wordpress.org/plugins/rival-seo/", "Rival SEO – WordPress plugin | WordPress.org"),
        ("https://zapier.com/blog/best-crm-app/", "The 8 best CRM apps in 2025"),
    ]
    assert types_of(rows)[:3] == ["directory"] * 3
    assert types_of(rows)[3] == "roundup/list"


def test_a_row_of_grouped_user_generated_links_is_still_every_link_user_generated() -> None:
    """Ahrefs groups three comment links from one page into one row marked UGC: all its links are comments."""
    header = ["Referring page URL", "Referring page title", "Anchor", "UGC", "Sponsored", "Links in group"]
    rows = [["https://dtkaustin.com/how-to-layer-on-a-budget/", "How to Layer on a Budget", "Lauren", "true",
             "false", "3"],
            ["https://paidblog.com/partner-post", "A partner post", "rival", "false", "true", "2"],
            ["https://news.example.org/stories/layering", "Layering, explained", "rival", "false", "false", "2"]]
    export = recognise_values([header, *rows], "Tab 'rival.com'", "rival.com")
    prospects = gap_of([export], ["rival.com"]).prospects.set_index("key")
    assert prospects.loc["dtkaustin.com", "segment"] == "build yourself"
    assert bool(prospects.loc["paidblog.com", "sponsored_only"])
    assert prospects.loc["example.org", "segment"] == "one competitor"
    assert not bool(prospects.loc["example.org", "sponsored_only"])


def test_a_backlink_gap_export_counts_each_sites_links_from_its_own_columns() -> None:
    """Semrush's Backlink Gap gives one column per compared site holding the links each domain has to it:
    b.com has 2 links to you and 7 to rival-b.com, so it links to you less; a.com none to you."""
    export = recognise_values([["Domain", "Authority Score", "Matches", "rival-a.com", "rival-b.com", "mine.com"],
                               ["a.com", "44", "2", "3", "1", "0"], ["b.com", "30", "2", "0", "7", "2"],
                               ["c.com", "30", "2", "0", "2", "5"]], "Tab 'gap'")
    result = gap_of([export], ["rival-a.com", "rival-b.com"], "mine.com")
    prospects = result.prospects.set_index("key")
    assert prospects.loc["a.com", "segment"] == "all competitors"
    assert prospects.loc["b.com", "segment"] == "weak: fewer links to you"
    assert prospects.loc["b.com", "weak_note"] == "2 links to you, 7 to rival-b.com"
    assert "c.com" not in prospects.index and result.excluded["already links to you"] == 1


def test_a_persons_profiles_and_posts_under_their_handle_are_their_own_pages() -> None:
    """A personal site's owner signs up everywhere under a handle that runs on from the site's name, often
    without its 'the': about.me/nicolerojasus, linktr.ee, a Medium handle and every post under it. Nobody
    chose those links; someone else's Medium post, and a page that only mentions the name in a longer slug,
    stay prospects."""
    prospects, _, dropped = run_gap({"thenicolerojas.com": [
        page("https://about.me/nicolerojasus", "Nicole Rojas"),
        page("https://linktr.ee/thenicolerojas", "Nicole Rojas | Linktree"),
        page("https://medium.com/@nicolerojasus/i-hit-record-on-a-new-career-e22d50a6cf24", "I hit record"),
        page("https://nicolerojas.blogspot.com/", "Nicole Rojas"),
        page("https://podcastmag.com/nicole-rojas-on-starting-over", "Nicole Rojas on starting over"),
        page("https://goodblog.com/a-post-here")]})
    for key in ("about.me", "linktr.ee", "medium.com", "nicolerojas.blogspot.com"):
        assert dropped.loc[key, "reason"].startswith("not a prospect"), key
    assert {"podcastmag.com", "goodblog.com"} <= set(prospects.index)
    others, _, _ = run_gap({"thenicolerojas.com": [
        page("https://medium.com/@janedoe/ten-careers-i-tried-3bfea9c396a8", "Ten careers I tried"),
        page("https://about.me/janedoe", "Jane Doe")]})
    assert others.loc["about.me", "segment"] == "build yourself"  # a link-in-bio page: make your own
    assert others.loc["about.me", "page_type"] == "directory"


def test_a_businesss_listing_deep_in_a_directory_is_its_own_page_and_a_short_path_is_not() -> None:
    """Local directories file a business under place and trade, its name hyphenated last
    (``/cabramatta/service/oz-timber-floor``, ``/au/new-south-wales/oz-timber-floor-795243558``). One folder
    deep the same words may be an editor's page about it, and a blog post's slug always is."""
    prospects, _, dropped = run_gap({"oztimberfloor.com.au": [
        page("https://www.directso.com.au/cabramatta/service/oz-timber-floor", ""),
        page("https://www.mylifegb.com/australia/cabramatta/professional-services/oz-timber-floor", ""),
        page("https://altapps.net/soft/oz-timber-floor", "Oz Timber Floor alternatives"),
        page("https://floormag.com.au/blog/2024/oz-timber-floor", "Visiting Oz Timber Floor")]})
    for key in ("directso.com.au", "mylifegb.com"):
        assert dropped.loc[key, "reason"] == "not a prospect: a profile or listing of a site you loaded", key
    assert {"altapps.net", "floormag.com.au"} <= set(prospects.index)


def test_an_agencys_client_list_and_generated_domain_reports_are_not_prospects() -> None:
    """A web agency's /clients/ page links every site it built: only its clients get there. A numbered domain
    report on a report host is generated. A client login, a reports index and a short report id are kept."""
    prospects, _, dropped = run_gap({"rival.com": [
        page("https://personalwebsites.org/clients/", ""),
        page("https://studio.example.com/our-clients", "Our clients"),
        page("https://bye.fyi/report/3209819", ""),
        page("https://pr-firm.example.net/client/", "Client area"),
        page("https://stats.example.gov/reports/2024", "Reports 2024"),
        page("https://council.example.org/report/12", "Report 12")]})
    for key in ("personalwebsites.org", "example.com"):
        assert dropped.loc[key, "reason"].startswith("not a prospect: a web agency's or maker's client list"), key
    assert dropped.loc["bye.fyi", "reason"] == "spam: a generated domain report"
    assert {"example.net", "example.gov", "example.org"} <= set(prospects.index)


def test_a_company_filed_under_its_legal_name_is_a_listing_and_community_platforms_are_forums() -> None:
    """``/mauriconnect-car-rental-ltd`` is a company's entry in a listing; the same words in a news folder are
    an article. A Skool or Circle community is one to join yourself. Regional directories (Australia's
    local.com.au) are listings to claim."""
    prospects, _, _ = run_gap({"rival.com": [
        page("https://www.globalbusinesslisting.org/mauriconnect-car-rental-ltd", ""),
        page("https://herald.example.com/news/acme-widgets-ltd", "Acme Widgets Ltd fined"),
        page("https://www.skool.com/cosmic-horror-club-1092/the-implications-are-troubling", ""),
        page("https://www.local.com.au/flooring/nsw/liberty-grove", "")]})
    assert prospects.loc["globalbusinesslisting.org", "segment"] == "build yourself"
    assert prospects.loc["globalbusinesslisting.org", "page_type"] == "directory"
    assert prospects.loc["example.com", "page_type"] == "editorial/news"
    assert prospects.loc["example.com", "segment"] != "build yourself"
    assert prospects.loc["skool.com", "page_type"] == "forum/UGC"
    assert prospects.loc["skool.com", "segment"] == "build yourself"
    assert prospects.loc["local.com.au", "page_type"] == "directory"
    assert prospects.loc["local.com.au", "segment"] == "build yourself"


def test_an_awesome_list_on_github_is_a_resource_page_and_a_hacker_news_thread_is_a_forum() -> None:
    """A GitHub 'awesome' list is a curated resource list its maintainer takes additions to; a Hacker News item
    is a discussion to take part in. A repository of code, and Y Combinator's company pages, are neither."""
    assert types_of([("https://github.com/someone/awesome-crm", "GitHub - someone/awesome-crm"),
                     ("https://github.com/someone/awesome-crm/blob/main/README.md", "awesome-crm/README.md"),
                     ("https://github.com/someone/crm-sdk", "GitHub - someone/crm-sdk"),
                     ("https://news.ycombinator.com/item?id=123456", "Show HN: a CRM for plumbers"),
                     ]) == ["resource page", "resource page", "other", "forum/UGC"]
    prospects, _, _ = run_gap({"rival.com": [
        page("https://github.com/someone/awesome-crm", "GitHub - someone/awesome-crm"),
        page("https://news.ycombinator.com/item?id=123456", "Show HN: a CRM for plumbers")]})
    assert prospects.loc["github.com", "segment"] != "build yourself"
    assert prospects.loc["ycombinator.com", "segment"] == "build yourself"


def test_a_sample_of_your_links_says_who_links_to_you_not_how_often(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """Search Console's Latest links is a sample of the pages linking to you: one row there is not 'one link'.
    A domain in it already links to you; it is never called weak for fewer links than a competitor has, and
    the run says why. A counted own export (Ahrefs) still finds the weaker links."""
    from sheets_bridge.cli import main

    rival = tmp_path / "rival.com.csv"
    rival.write_text("Referring page URL,Referring page title,Domain rating\n"
                     "https://floormag.com/guide-one/,Guide one,60\nhttps://floormag.com/guide-two/,Guide two,60\n"
                     "https://homemag.com/best-floors/,Best floors,40\n", encoding="utf-8")
    sample = tmp_path / "https___mine.com_-Latest links-2026-05-18.csv"
    sample.write_text("Linking page,Last crawled\nhttps://floormag.com/our-pick/,2026-04-01\n", encoding="utf-8")
    counted = tmp_path / "mine.com.csv"
    counted.write_text("Referring page URL,Referring page title,Domain rating\n"
                       "https://floormag.com/our-pick/,Our pick,60\n", encoding="utf-8")
    for own, weak in ((sample, False), (counted, True)):
        out = tmp_path / f"gap-{own.stem}.csv"
        assert main(["gap", str(rival), "--own", str(own), "--out", str(out)]) == 0
        listed = pd.read_csv(out).set_index("Domain")
        said = capsys.readouterr().out
        assert ("floormag.com" in listed.index) is weak
        if weak:
            assert listed.loc["floormag.com", "Segment"] == "weak: fewer links to you"
        else:
            assert "lists a sample of the pages linking to you" in said and "already links to you" in said
        assert "homemag.com" in listed.index
