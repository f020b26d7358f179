"""Generate ~N English blog-like paragraphs (2-5 sentences, 15-30 words each).

Templated but varied; deterministic (seeded).  One paragraph per line.
Usage: python gen_corpus.py OUT.txt [N=300] [SEED=1]
"""
import random
import sys

SUBJECTS = [
    "the team", "my neighbor", "our small company", "a friend of mine", "the local library",
    "most readers", "the new manager", "every visitor", "the city council", "my younger sister",
    "the research group", "a few students", "the old bakery", "this blog", "the museum staff",
    "our project", "my grandfather", "the school board", "a young engineer", "the farmers nearby",
    "our community garden", "the hotel owner", "a local journalist", "the volunteers", "my cousin Maria",
    "the developers", "the orchestra", "a tourist from Lisbon", "the hospital", "our landlord",
    "the photographer", "the bike shop", "my colleague Daniel", "the football club", "the committee",
    "the children", "a retired teacher", "the startup", "our family", "the bookstore downstairs",
]
VERBS = [
    "decided to rebuild", "spent the weekend exploring", "wrote a long article about",
    "finally finished", "started planning", "keeps talking about", "strongly recommended",
    "carefully compared", "struggled with", "learned a lot about", "shared some photos of",
    "opened", "discovered", "painted", "reviewed", "organized", "quietly improved",
    "complained about", "fell in love with", "tried to repair", "published a short guide to",
    "made a video about", "invested in", "argued about", "documented", "cleaned up",
    "measured", "tested", "celebrated", "redesigned", "translated", "visited", "questioned",
    "photographed", "planted", "collected", "described", "ignored", "rediscovered", "funded",
]
OBJECTS = [
    "the garden behind the house", "a simple recipe for bread", "the history of the railway",
    "an unusual mountain trail", "a quiet coffee shop near the station", "the results of the survey",
    "several old maps", "the broken fence", "a new way of working", "the annual music festival",
    "the kitchen cabinets", "an abandoned factory", "the tiny fishing village", "the budget for next year",
    "a collection of vintage cameras", "the public swimming pool", "the software update",
    "the river that crosses the valley", "a neighborhood cleanup day", "the oldest tree in town",
    "a cheap solar panel kit", "the lighthouse on the coast", "the chess tournament",
    "a handwritten letter from 1952", "the farmers market", "the climbing wall", "a podcast about cooking",
    "the electric buses", "the winter coats", "a series of short stories", "the local election",
    "the community radio station", "a map of hidden staircases", "the science fair",
    "the price of vegetables", "a language exchange group", "the new bicycle lanes",
    "the roof of the church", "a guide for first-time hikers", "the evening classes",
]
PREPS = [
    "during the summer", "after a long week", "in the early morning", "with surprising patience",
    "before the holidays", "without much help", "on a rainy afternoon", "for the first time",
    "despite the cold weather", "over the last few months", "at the end of the day",
    "with a little luck", "in front of everyone", "for almost three hours", "in the middle of the night",
    "after the storm", "with about 25 people", "since 2019", "during the lockdown",
    "with two old friends", "on the other side of town", "before anyone noticed",
    "in less than a week", "for a small fee", "under a clear blue sky", "next to the train station",
]
OPENERS = [
    "", "", "", "", "Last week, ", "To be honest, ", "In my experience, ", "Surprisingly, ",
    "As usual, ", "Yesterday, ", "For a long time, ", "At first, ", "Eventually, ",
    "According to the newsletter, ", "In the end, ", "Of course, ", "Meanwhile, ",
    "A few years ago, ", "This morning, ", "Honestly, ",
]
CONNECTORS = [
    ", and", ", but", ", so", " because", " while", " although", ", which meant that",
    " and then", " even though", ", since", " until", ", so that",
]
ADVERBS = ["", "", "", "really ", "quickly ", "slowly ", "finally ", "almost ", "suddenly ", "clearly "]
QUESTIONS = [
    "Have you ever {v} {o} {p}?", "Why would anyone ignore {o} {p}?",
    "Did {s} really {vb} {o} {p}?", "What would happen if {s} {v} {o}?",
]
BARE = {"decided to rebuild": "rebuild", "keeps talking about": "talk about"}


def clause(rng, cap=True):
    s = rng.choice(SUBJECTS)
    v = rng.choice(VERBS)
    o = rng.choice(OBJECTS)
    words = f"{s} {rng.choice(ADVERBS)}{v} {o}"
    if rng.random() < 0.7:
        words += " " + rng.choice(PREPS)
    return words


def sentence(rng):
    for _ in range(200):
        if rng.random() < 0.08:
            q = rng.choice(QUESTIONS)
            v = rng.choice(VERBS)
            txt = q.format(v=v, vb=BARE.get(v, v.split(" ")[0]), o=rng.choice(OBJECTS),
                           p=rng.choice(PREPS), s=rng.choice(SUBJECTS))
            txt = txt[0].upper() + txt[1:]
        else:
            txt = rng.choice(OPENERS) + clause(rng)
            while len(txt.split()) < 15 or (rng.random() < 0.35 and len(txt.split()) < 22):
                txt += rng.choice(CONNECTORS) + " " + clause(rng)
            txt = txt[0].upper() + txt[1:]
            txt += "!" if rng.random() < 0.05 else "."
        n = len(txt.split())
        if 15 <= n <= 30:
            return txt
    raise RuntimeError("could not build sentence")


def paragraph(rng):
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    rng = random.Random(seed)
    paras = []
    seen = set()
    while len(paras) < n:
        p = paragraph(rng)
        if p not in seen:
            seen.add(p)
            paras.append(p)
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(paras) + "\n")
    words = sum(len(p.split()) for p in paras)
    print(f"{out}: {len(paras)} paragraphs, {words} words")


if __name__ == "__main__":
    main()
