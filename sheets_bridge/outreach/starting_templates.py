"""The starting Templates `setup` writes: one per page type and touch, as playbook sections 6, 8 and 12 ask.

Each first touch names the exact page that links to competitors, says what the team's page adds, and stays
short; follow-ups add one new reason each, and the fourth closes the loop politely. A body per page type,
never one for all. Teams rewrite them in their own voice; the checks in ``outreach.templates`` keep them honest.
"""

from __future__ import annotations

from typing import Any

HEADER = ["Page type", "Touch", "Subject", "Body"]

_OPENERS = {
    "resource page": ("A resource for your list on {domain}",
                      "{greeting}\n\nI was reading your resources page ({example_page}) and noticed it lists several "
                      "tools but no in-depth guide on the topic. We published one that walks through it step by step: "
                      "{target_url}\n\nIf it fits, it could fill that gap for your readers.\n\nThanks,\n{owner_name}"),
    "roundup/list": ("For your next update of your list on {domain}",
                     "{greeting}\n\nYour roundup at {example_page} is one of the clearer ones out there. When you next "
                     "update it, {target_url} may be worth a look: it covers what most entries on the list "
                     "leave out.\n\nHappy to send a one-line summary you could use.\n\nThanks,\n{owner_name}"),
    "editorial/news": ("Data for your coverage on {domain}",
                       "{greeting}\n\nYou cited figures on this topic in {example_page}. We just published original "
                       "data that updates them: {target_url}\n\nIf a fresh source helps your next piece, it is "
                       "free to quote.\n\nBest,\n{owner_name}"),
    "comparison": ("A side-by-side for your comparison on {domain}",
                   "{greeting}\n\nYour comparison at {example_page} helps readers choose. We keep a plain side-by-side "
                   "table at {target_url}, updated monthly, that your readers could use to check the details."
                   "\n\nWould it be useful as a reference?\n\nThanks,\n{owner_name}"),
    "any": ("A page that could help your readers on {domain}",
            "{greeting}\n\nI came across {example_page} and thought {target_url} could add to it: it answers the "
            "question your page raises in more depth.\n\nIf it fits, a link would help your readers.\n\n"
            "Thanks,\n{owner_name}"),
}
_FOLLOW_UPS = {
    2: ("Re: {subject}", "{greeting}\n\nA quick follow-up in case my note got buried: {target_url} could be useful "
                         "for {example_page}. Happy to send {extra} you could use as is.\n\nThanks,\n{owner_name}"),
    3: ("Re: {subject}", "{greeting}\n\nOne more thought for {example_page}: {other}. If that is more useful to your "
                         "readers, {target_url} covers it too.\n\nBest,\n{owner_name}"),
    4: ("Re: {subject}", "{greeting}\n\nI will not take more of your time after this one. If {target_url} ever fits "
                         "{example_page}, it is there{close}.\n\nThanks for reading,\n{owner_name}"),
}
_VARIANTS = {
    "resource page": ("a short checklist version", "a printable summary might suit a resource list better",
                      " for your readers"),
    "roundup/list": ("two fresh examples", "a one-line description you could paste as is", " for the next update"),
    "editorial/news": ("a chart", "the method behind the numbers is public, if you want to check "
                       "it", " as a source"),
    "comparison": ("this month's figures", "readers often ask for a summary table they can scan", " as a reference"),
    "any": ("a short summary", "a shorter version may be easier to link", ""),
}


def starter_templates() -> list[list[Any]]:
    """The Templates tab's first rows: header, then every page type's four touches."""
    rows: list[list[Any]] = [list(HEADER)]
    for kind, (subject, body) in _OPENERS.items():
        extra, other, close = _VARIANTS[kind]
        rows.append([kind, 1, subject, body])
        for touch, (follow_subject, follow_body) in _FOLLOW_UPS.items():
            text = follow_body.replace("{extra}", extra).replace("{other}", other).replace("{close}", close)
            rows.append([kind, touch, follow_subject.replace("{subject}", subject), text])
    return rows
