"""A benchmark corpus whose sentences never repeat: :func:`make_corpus` (generated) or :func:`read_corpus`.

Per-sentence caches (the encoder's, the stemmer's, VADER's) make a corpus that recycles a pool of sentences
look many times faster than real text (issue #11: 552 targets/s on a recycled pool, 25/s on real articles).
Here every sentence is composed afresh from templates written for this benchmark and slot fillers (actors
from ``data/actors.csv`` with their titles, places, numbers, dates, topics, verbs, clauses), with randomness
per sentence and a check that no sentence occurs twice in the corpus. The templates cover the kinds of
sentences news copy has: statements and quotes with reporting verbs, actions between actors, numbers and
dates, hedged claims, economic, legal, health and military copy, abbreviations, dashes and questions.

Other benchmarks (the engine's scaling figures) import it by path::

    import importlib.util
    spec = importlib.util.spec_from_file_location("bench_corpus", "bench/corpus.py")
    corpus = importlib.util.module_from_spec(spec); spec.loader.exec_module(corpus)
    docs = corpus.make_corpus(200, seed=0)       # DataFrame: id, title, source, date, url, text
"""
from __future__ import annotations

import random
from functools import lru_cache
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]

# -- slot fillers (written for the benchmark; actor names come from the gazetteer) ---------------------------
CITIES = ["Kyiv", "Moscow", "Brussels", "Geneva", "Istanbul", "Ankara", "Warsaw", "Berlin", "Paris", "London",
          "Vienna", "Helsinki", "Riyadh", "Doha", "Budapest", "Bucharest", "Vilnius", "Rome", "Madrid", "Oslo",
          "Kharkiv", "Odesa", "Lviv", "Dnipro", "Zaporizhzhia", "Sumy", "Kherson", "Mykolaiv", "Belgorod",
          "Kursk", "Minsk", "Tbilisi", "Chisinau", "Prague", "Bratislava", "Tallinn", "Riga", "Copenhagen",
          "Stockholm", "The Hague", "Strasbourg", "Luxembourg", "Athens", "Sofia", "Belgrade", "Tokyo", "Seoul",
          "Beijing", "New Delhi", "Washington", "New York", "Ottawa", "Canberra", "Brasilia", "Pretoria"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
GROUPS = ["officials", "diplomats", "analysts", "residents", "farmers", "economists", "lawmakers", "investigators",
          "doctors", "aid workers", "soldiers", "volunteers", "teachers", "engineers", "negotiators", "critics",
          "supporters", "prosecutors", "observers", "journalists", "students", "pensioners", "refugees",
          "business leaders", "union representatives", "local councillors", "military planners", "bankers"]
TOPICS = ["the ceasefire", "the peace plan", "the grain corridor", "energy prices", "the sanctions package",
          "the prisoner exchange", "air defence", "the reconstruction fund", "gas transit", "the frozen assets",
          "the nuclear plant", "the humanitarian corridor", "border controls", "the trade deal", "military aid",
          "the refugee quota", "the budget", "the election timetable", "the security guarantees",
          "the minerals agreement", "the arms embargo", "the loan programme", "the naval blockade",
          "the investigation", "the court ruling", "inflation", "the harvest", "the vaccination campaign",
          "pension reform", "the power grid", "fuel shortages", "the export ban", "the tariff dispute"]
ADJ_POS = ["constructive", "productive", "encouraging", "useful", "frank but positive", "historic", "promising",
           "successful", "reasonable", "balanced", "courageous", "generous", "timely", "welcome"]
ADJ_NEG = ["unacceptable", "reckless", "dangerous", "cynical", "disappointing", "illegal", "brutal", "absurd",
           "irresponsible", "provocative", "deeply flawed", "vague", "hollow", "shameful", "counterproductive"]
ADJ_NEU = ["technical", "preliminary", "lengthy", "closed-door", "informal", "scheduled", "routine", "two-day",
           "bilateral", "trilateral", "virtual", "expanded", "second", "third", "long-delayed"]
SPEECH = ["said", "told reporters", "said in a statement", "wrote on social media", "told a news conference",
          "said in an interview", "told parliament", "said on television", "added", "noted", "warned",
          "insisted", "argued", "claimed", "stressed", "told state media", "said late on " + "{day}"]
ACT_POS = ["praised", "thanked", "welcomed the offer from", "backed", "defended", "congratulated", "supported",
           "reassured", "commended", "applauded"]
ACT_NEG = ["accused", "condemned", "criticised", "blamed", "threatened", "attacked", "sanctioned", "rebuked",
           "warned", "denounced", "mocked", "ridiculed"]
ACT_NEU = ["met", "called", "spoke with", "invited", "hosted", "visited", "briefed", "wrote to", "received",
           "phoned", "sat down with", "consulted"]
REASONS = ["over {topic}", "for its role in {topic}", "after the talks in {city}", "of stalling {topic}",
           "for delays to {topic}", "about {topic}", "ahead of the summit in {city}", "during a visit to {city}",
           "on the sidelines of the meeting in {city}", "for the second time this {period}"]
PERIODS = ["week", "month", "year", "spring", "summer", "autumn", "winter", "quarter"]
HEDGES = ["may", "could", "might", "appears to", "is likely to", "is expected to", "seems to", "would"]
UNITS = ["percent", "million dollars", "billion euros", "tonnes", "kilometres", "people", "drones", "missiles",
         "homes", "jobs", "schools", "hospitals", "trucks", "megawatts", "barrels a day"]
CLAUSES = ["according to two people familiar with the matter", "officials said", "a spokesperson confirmed",
           "state media reported", "the ministry said", "according to a draft seen by reporters",
           "a senior official said on condition of anonymity", "the statement said", "monitors reported",
           "local authorities said", "figures released on {day} showed", "according to preliminary estimates"]
OPENERS = ["On {day},", "Late on {day},", "Earlier this {period},", "In {month},", "Since {month} {year},",
           "Two days later,", "Meanwhile,", "By contrast,", "At the same time,", "Separately,", "Last {period},",
           "In a rare move,", "For now,", "As of {day},", "Despite the warnings,", "After weeks of talks,"]
QUOTES_POS = ["We are making real progress", "This is a good day for our people", "The door to peace is open",
              "We welcome every step toward a fair settlement", "Our partners have shown great courage",
              "The agreement protects ordinary families", "We trust our allies to keep their word"]
QUOTES_NEG = ["This is a betrayal of everything we agreed", "They are lying to the world",
              "Nobody should be fooled by these promises", "The attacks on civilians are a crime",
              "We will not accept blackmail", "The plan rewards aggression", "These threats are dangerous"]
QUOTES_NEU = ["We will study the proposal carefully", "The talks will continue next week",
              "No decision has been taken yet", "Our position has not changed", "We are waiting for details",
              "The schedule depends on the weather", "Both delegations need more time"]

# Each template is written once; every slot is filled anew per sentence.
TEMPLATES = [
    "{actor} {speech} that {topic} {hedge} be {adj_neu} and would be discussed in {city}.",
    "{actor} {act_pos} {actor2} {reason}.",
    "{actor} {act_neg} {actor2} {reason}, calling the move {adj_neg}.",
    "{actor} {act_neu} {actor2} in {city} on {day} to discuss {topic}.",
    "\u201c{quote_pos},\u201d {actor} {speech}.",
    "\u201c{quote_neg},\u201d {actor} {speech}, adding that {actor2} had ignored {topic}.",
    "\u201c{quote_neu},\u201d {actor} {speech} after the {adj_neu} meeting.",
    "{opener} {actor} {act_neg} {actor2} of breaking promises on {topic}.",
    "{opener} {n} {unit} were reported near {city}, {clause}.",
    "{Group} in {city} said {topic} {hedge} change little unless {actor} acts.",
    "{actor} {hedge} travel to {city} next {period}, {clause}.",
    "The {adj_neu} talks between {actor} and {actor2} ended without a joint statement.",
    "{actor} called the proposal by {actor2} {adj_neg} and {adj_neg2}.",
    "{actor} described the talks with {actor2} as {adj_pos}.",
    "Prices of {thing} rose {pct} percent in {month}, {clause}.",
    "The central bank cut its forecast to {pct} percent, citing {topic} and weak demand.",
    "{actor} was accused by {actor2} of undermining {topic}.",
    "{actor} was praised by {group} for handling {topic}.",
    "According to {actor}, at least {n} {unit} were damaged in the strikes on {city}.",
    "{n} {group} gathered in {city} to protest against {topic} on {day}.",
    "Did {actor} really mean it when it promised {topic} by {month}, {group} in {city} asked.",
    "The court in {city} ruled on {day} that {topic} was unlawful, a decision {actor} welcomed.",
    "Investigators said the fire at the depot near {city} {hedge} have been caused by a drone.",
    "{actor}'s office said the {adj_neu} call with {actor2} lasted {hours} hours.",
    "Under the plan, {actor} would receive {amount} over {years} years, {clause}.",
    "The deal\u2014the {ordinal} of its kind since {year}\u2014was signed in {city} on {month} {date}.",
    "{actor} rejected claims by {actor2} that {topic} had failed.",
    "{Group} warned that {topic} {hedge} leave millions without heat this {period}.",
    "Critics of {actor} argued that {topic} had done little to change the situation in {city}.",
    "{actor} and {actor2} agreed to keep talking about {topic}, {clause}.",
    "A spokesperson for {actor} declined to comment on {topic}.",
    "{actor} did not respond to a request for comment on {topic}.",
    "In {city}, {group} queued for hours as {topic} dominated the news.",
    "{actor} thanked {actor2} for the {adj_pos} support on {topic}.",
    "{actor} threatened to retaliate if {actor2} went ahead with {topic}.",
    "Gen. {surname} told {group} that the front line near {city} was stable.",
    "Dr. {surname}, who studies {topic} at a university in {city}, called the figures {adj_neg}.",
    "Sen. {surname} said the U.S. should do more on {topic} before {month}.",
    "The vote, scheduled for {day} at {clock} a.m., was postponed after {actor} objected.",
    "Polls show {pct} percent of voters support {topic}, up from {pct2} percent in {month}.",
    "{actor} said {actor2} was not negotiating in good faith on {topic}.",
    "Analysts said the move by {actor} {hedge} strengthen its hand in talks over {topic}.",
    "{Group} said they had not been paid for {n} months because of {topic}.",
    "{actor} insisted that {topic} must respect international law.",
    "Some {group} questioned whether {actor} could deliver on {topic}.",
    "{actor} offered to host a {ordinal} round of talks in {city} later this {period}.",
    "Officials in {city} said shelling had killed {n} civilians and wounded {n2} overnight.",
    "The report blamed {actor} for the collapse of {topic} and criticised {actor2} for its silence.",
    "{actor} announced {amount} in new aid for {topic}, the largest package this {period}.",
    "Shares in energy companies fell {pct} percent after {actor} announced {topic}.",
    "Hospitals in {city} ran short of supplies as {topic} stalled for a {ordinal} week.",
    "{actor} signed a decree on {topic} late on {day}, {clause}.",
    "It is unclear whether {actor} will attend the summit in {city}, {clause}.",
    "{actor} denied that {topic} was linked to the talks with {actor2}.",
    "The {adj_neu} meeting in {city} brought {actor} and {actor2} together for the first time since {year}.",
    "Farmers near {city} said {topic} had cut their income by a third.",
    "Without {topic}, {group} said, the economy {hedge} shrink by {pct} percent next year.",
    "{actor} is expected to present {topic} to {actor2} on {day}.",
    "Talks at No. {num} Downing Street on {topic} ended after {hours} hours.",
    "{actor} urged {actor2} to respect {topic} and to free the detained {group}.",
]
HEADLINES = ["{actor} and {actor2} meet as pressure grows over {topic}", "Doubts over {topic} after talks in {city}",
             "{actor} rejects {topic} as {adj_neg}", "{Group} in {city} brace for {topic}",
             "What {topic} means for {city}", "{actor} under fire over {topic}"]
THINGS = ["bread", "diesel", "electricity", "wheat", "fertiliser", "steel", "housing", "medicine", "coffee",
          "sunflower oil", "natural gas", "public transport", "heating"]
ORDINALS = ["second", "third", "fourth", "fifth", "sixth", "first"]


@lru_cache(maxsize=1)
def _actors() -> tuple[list[str], list[str]]:
    """Actor phrases (names, titled names, states, organisations) and surnames, from the gazetteer."""
    frame = pd.read_csv(REPO / "data" / "actors.csv", dtype=str, keep_default_na=False)
    phrases, surnames = [], []
    for r in frame.itertuples(index=False):
        if r.type == "person":
            titles = [t for t in r.titles.split("|") if t]
            phrases.append(r.name)
            if titles:
                phrases.append(f"{titles[0][0].upper()}{titles[0][1:]} {r.name}")
            surnames.append(r.name.split()[-1])
        elif r.type in ("state", "organisation", "group"):
            phrases.append(r.name if r.type == "state" else f"the {r.name}" if not r.name.startswith("the ")
                           else r.name)
    return phrases, surnames


def _fill(template: str, rng: random.Random) -> str:
    actors, surnames = _actors()
    a1, a2 = rng.sample(actors, 2)
    group = rng.choice(GROUPS)
    values = {
        "actor": a1, "actor2": a2, "group": group, "Group": group[0].upper() + group[1:],
        "speech": rng.choice(SPEECH), "topic": rng.choice(TOPICS), "city": rng.choice(CITIES),
        "day": rng.choice(DAYS), "month": rng.choice(MONTHS), "period": rng.choice(PERIODS),
        "hedge": rng.choice(HEDGES), "adj_pos": rng.choice(ADJ_POS), "adj_neg": rng.choice(ADJ_NEG),
        "adj_neg2": rng.choice(ADJ_NEG), "adj_neu": rng.choice(ADJ_NEU), "act_pos": rng.choice(ACT_POS),
        "act_neg": rng.choice(ACT_NEG), "act_neu": rng.choice(ACT_NEU), "clause": rng.choice(CLAUSES),
        "opener": rng.choice(OPENERS), "unit": rng.choice(UNITS), "thing": rng.choice(THINGS),
        "quote_pos": rng.choice(QUOTES_POS), "quote_neg": rng.choice(QUOTES_NEG), "quote_neu": rng.choice(QUOTES_NEU),
        "surname": rng.choice(surnames), "ordinal": rng.choice(ORDINALS),
        "n": f"{rng.randint(2, 4000):,}", "n2": str(rng.randint(2, 300)), "pct": f"{rng.randint(1, 95)}.{rng.randint(0, 9)}",
        "pct2": str(rng.randint(1, 95)), "hours": str(rng.randint(2, 14)), "years": str(rng.randint(2, 10)),
        "year": str(rng.randint(2014, 2025)), "date": str(rng.randint(1, 28)), "clock": str(rng.randint(6, 11)),
        "num": str(rng.randint(9, 12)),
        "amount": rng.choice(["$", "\u20ac", "\u00a3"]) + f"{rng.randint(1, 90)}.{rng.randint(1, 9)} billion",
    }
    values["reason"] = rng.choice(REASONS)
    # Second pass: fillers that hold slots themselves (reasons, clauses, openers, speech).
    text = template.format(**values)
    text = text.format(**values) if "{" in text else text
    return text[0].upper() + text[1:]


def _sentence(rng: random.Random) -> str:
    s = _fill(rng.choice(TEMPLATES), rng)
    # Per-sentence randomness beyond the slots: a time phrase or source tag now and then.
    r = rng.random()
    if r < 0.15 and s.endswith("."):
        s = s[:-1] + f" {rng.choice(['on', 'by', 'before', 'after'])} {rng.choice(DAYS)}."
    elif r < 0.25 and s.endswith("."):
        clause = _fill("{clause}", rng)
        s = s[:-1] + ", " + clause[0].lower() + clause[1:] + "."
    return s


def make_corpus(n_docs: int, *, seed: int = 0, min_words: int = 500, max_words: int = 800) -> pd.DataFrame:
    """``n_docs`` article-sized documents (``min_words``-``max_words`` words) in which no sentence repeats.

    Each document has a headline, an optional dateline and paragraphs of 1-3 generated sentences. The same
    ``seed`` gives the same corpus.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``title``, ``source``, ``date``, ``url``, ``text`` (what ``newsframe`` loads).
    """
    rng = random.Random(seed)
    seen: set[str] = set()
    rows = []
    for i in range(n_docs):
        target = rng.randint(min_words, max_words)
        paragraphs, words = [], 0
        while words < target:
            para = []
            for _ in range(rng.choice((1, 2, 2, 3))):
                s = _sentence(rng)
                while s in seen:  # never twice: caches must not flatter the figures
                    s = _sentence(rng)
                seen.add(s)
                para.append(s)
                words += len(s.split())
            paragraphs.append(" ".join(para))
        title = _fill(rng.choice(HEADLINES), rng).rstrip(".")
        if rng.random() < 0.5:
            paragraphs[0] = f"{rng.choice(CITIES).upper()} \u2014 " + paragraphs[0]
        rows.append({"id": f"bench{i:05d}", "title": title, "source": rng.choice(["wire", "daily", "weekly"]),
                     "date": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "url": "",
                     "text": title + "\n\n" + "\n\n".join(paragraphs)})
    return pd.DataFrame(rows)


def read_corpus(path: str | Path) -> pd.DataFrame:
    """A corpus the user points to (folder, JSONL, CSV, ...), loaded as ``newsframe`` loads any input."""
    from newsframe.io import load_documents

    return load_documents(Path(path))
