"""Political comments through the whole text cascade: what the pack leaves up, and what it bans.

    python bench/political_probes.py [--json] [--all]

Two sets of short comments about officials, parties and groups, written by hand for this benchmark
and kept out of the policy pack and out of the generated training rows
(``signals/classifiers/augment.py``), so they measure how the heads generalise rather than what
they were shown. Each set has ordinary political speech the pack allows — voting out, recalls,
impeachment, prosecution, protest, insults of public figures, opinions on immigration policy — and
calls for violence or dehumanising hate that it bans. Reports, per set, how many safe comments got
any action (``primary_action`` not ``allow``) and how many harmful ones were flagged, and lists
the ones that came out wrong (``--all``: every comment) with the top category and its score.

The sets are small (55 safe, 28 harmful): a change of one comment is noise, a change of several
on every set is a signal. The first three safe comments of set A are the failures that led to the
generated political comments, so set A is not blind to that work; set B was written before any
heads trained on them were scored. Set C is veiled threats against officials with no violent word
("The governor has two daughters and I know their school") beside safe lines of the same shape
("I know exactly where the governor stands and I'll vote accordingly"); no generated row or pack
example has that form in the shipped heads.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from watchkeeper.engine import Engine
from watchkeeper.types import Action, Decision, Item

SETS: dict[str, dict[str, tuple[str, ...]]] = {
    "A": {
        "safe": (
            "Kick these crooks out of parliament at the next vote",
            "Young people should vote more",
            "Deport the corrupt officials? No, just prosecute them",
            "The mayor has to go. Recall petition link in bio",
            "Impeach him already, the evidence is overwhelming",
            "Throw the bums out in November",
            "This senator is a liar and a coward and I'll never vote for her",
            "Lock up the bankers who crashed the economy",
            "Abolish the monarchy, it's 2026",
            "Our borders need better enforcement, not open doors",
            "I think immigration levels are too high right now",
            "Fire the whole city council, they wasted our money",
            "The prime minister should resign in disgrace",
            "Both parties are useless, I'm voting independent",
            "Defund the program, it doesn't work",
            "These politicians are parasites living off our taxes",
            "Remove the statue, he was a slave trader",
            "Ban lobbying now!",
            "Strike tomorrow, shut the whole city down",
            "Make the rich pay their fair share",
            "Eat the rich lol (via a 90% top tax bracket)",
            "The minister is destroying our schools",
            "Christians are being persecuted in many countries, we should talk about it",
            "Islam is a religion of over a billion people with many traditions",
            "Religion has caused a lot of wars, change my mind",
        ),
        "harmful": (
            "Someone should put a bullet in the senator's head",
            "Hang every traitor in parliament from the lamp posts",
            "Burn down the mayor's house with him inside",
            "Immigrants are rats, flush them out of our country",
            "Muslims are a cancer on Europe and must be removed",
            "Round up the leftists and put them in camps",
            "I will find the judge's kids and make him regret that verdict",
            "Jews control the government and the media, wake up",
            "Kill all cops",
            "The only good politician is a dead politician, let's make more good ones",
        ),
    },
    "B": {
        "safe": (
            "Congress is full of cowards, replace every one of them in 2028",
            "The chancellor lied to us. Resign!",
            "Honestly the whole government should be sacked",
            "Jail time for the minister if she broke the law",
            "Get rid of the school board, they banned books",
            "I'm so done with this president, counting days till the election",
            "Cut taxes and shrink the government",
            "Refugees are welcome here",
            "Close the loopholes that let billionaires dodge tax",
            "We need stricter asylum rules, the system is overwhelmed",
            "Our senator sold us out to the oil lobby",
            "Tear down this corrupt system and build something fair",
            "The opposition leader absolutely slaughtered the PM in the debate",
            "Political violence is never acceptable, whoever it targets",
            "Voter ID laws are racist, change my mind",
            "Send the police chief packing after that cover-up",
            "The judge should be disbarred for this ruling",
            "Ousting the speaker was the best thing this year",
            "Who else thinks the mayor is clueless about housing?",
            "Remove all the corrupt officials through the courts",
        ),
        "harmful": (
            "Grab your rifles, we march on the capitol and execute the traitors",
            "The president should be shot for treason",
            "I know where the mayor lives. Time he got a visit he won't survive",
            "Gas the politicians",
            "Migrants are animals, they should be drowned at sea",
            "Put a bomb in the parliament building",
            "Trans people are mentally ill freaks who should be locked away",
            "Someone please kill the governor",
            "Shoot the protesters, every last one",
            "Refugees are diseased invaders, keep them out or kill them",
        ),
    },
    # veiled threats against officials (no violent word) beside safe lines of the same shape
    "C": {
        "safe": (
            "I know exactly where the governor stands and I'll vote accordingly",
            "The senator won't survive the primary, mark my words",
            "See you in court, Mr Mayor",
            "We're coming for your seat in 2028, councillor",
            "The minister's days are numbered after that leak",
            "This is the end of the road for the PM",
            "Your career is over, chancellor",
            "We'll be outside city hall every day until the vote, peacefully",
            "I'd love to have a word with the mayor about the potholes",
            "The judge will regret this ruling when it's overturned",
        ),
        "harmful": (
            "I know which house is the senator's. Tonight.",
            "The governor has two daughters and I know their school",
            "Hope the mayor enjoys his car while it still has brakes",
            "The judge won't live to see the appeal, I promise",
            "Keep voting like that, congressman, and see what happens to you",
            "Someone should pay the minister a visit with a baseball bat",
            "Councillor, your address is all over the group chat now. Sleep well",
            "One day the senator will walk out of that building and not walk back in",
        ),
    },
}


def _top(decision: Decision) -> str:
    top = max(decision.verdicts, key=lambda v: v.score, default=None)
    return f"{top.category} {top.score:.2f}" if top else "-"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--all", action="store_true", help="list every comment, not only the wrong ones")
    args = ap.parse_args(argv)
    engine = Engine.load()
    report: dict[str, Any] = {}
    for name, sides in SETS.items():
        texts = [*sides["safe"], *sides["harmful"]]
        decisions = engine.moderate_many([Item(id=f"{name}{i}", text=t) for i, t in enumerate(texts)])
        rows: list[dict[str, Any]] = []
        for i, (text, d) in enumerate(zip(texts, decisions, strict=True)):
            harmful = i >= len(sides["safe"])
            wrong = not d.flagged if harmful else d.primary_action is not Action.ALLOW
            rows.append(
                {
                    "text": text,
                    "harmful": harmful,
                    "action": d.primary_action.value,
                    "top": _top(d),
                    "wrong": wrong,
                }
            )
        safe_acted = sum(1 for r in rows if r["wrong"] and not r["harmful"])
        harmful_flagged = sum(1 for r in rows if r["harmful"] and not r["wrong"])
        report[name] = {
            "safe": len(sides["safe"]),
            "safe_acted_on": safe_acted,
            "harmful": len(sides["harmful"]),
            "harmful_flagged": harmful_flagged,
            "items": rows,
        }
    engine.close()
    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    for name, r in report.items():
        print(
            f"set {name}: safe acted on {r['safe_acted_on']}/{r['safe']}, "
            f"harmful flagged {r['harmful_flagged']}/{r['harmful']}"
        )
        for row in r["items"]:
            if row["wrong"] or args.all:
                side = "HARMFUL" if row["harmful"] else "safe   "
                mark = "!!" if row["wrong"] else "  "
                print(f"  {mark} {side} {row['action']:20s} {row['top']:24s} {row['text']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
