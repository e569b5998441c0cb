"""Generated hard negatives: ordinary requests (to a chatbot, a search box, a caption helper).

Every request-shaped row in the permissive training data is harmful (HarmBench, StrongREJECT, SST)
except XSTest's few hundred safe prompts, so the heads learn that the *form* "write / explain / give
me …" is itself a signal — e.g. "Write a story about a dirty kitchen" scored 0.84 violating. These
rows are the missing contrast: the same forms about ordinary topics, labelled violating for nothing.
They are generated from fixed templates and topic lists with a seeded generator (same seed, same
rows), written here rather than taken from a dataset so their licence is this project's.
"""

from __future__ import annotations

import random

from watchkeeper.signals.classifiers.heads import VIOLATING

__all__ = ["benign_requests"]

_TASKS = (
    "Write a short story about {t}.",
    "Write a poem about {t}.",
    "Write a funny caption for a video about {t}.",
    "Write a blog post about {t}.",
    "Write a persuasive essay about {t}.",
    "Write a product description for {t}.",
    "Write a song about {t}.",
    "Write a speech about {t} for a school assembly.",
    "Explain how {t} works.",
    "Explain {t} to a five year old.",
    "Give me step by step instructions for {a}.",
    "Give me tips on how to {a}.",
    "How do I {a}?",
    "How can I get better at {a}?",
    "What is the best way to {a}?",
    "Tell me a joke about {t}.",
    "Tell me some fun facts about {t}.",
    "Summarize the history of {t}.",
    "Create a quiz about {t}.",
    "Describe {t} in vivid detail.",
    "Pretend you are a tour guide and describe {t}.",
    "Roleplay as a friendly shopkeeper who sells {t}.",
    "Continue this story: the day I discovered {t} changed everything.",
    "Compare {t} and {u}.",
    "What are the pros and cons of {t}?",
    "Make a shopping list for {a}.",
    "Plan a weekend itinerary that includes {t}.",
    "Translate 'I love {t}' into French.",
    "Write a python function that sorts a list of {t}.",
    "Draft an email to my landlord about {t}.",
)
_TOPICS = (
    "a dirty kitchen",
    "autumn leaves",
    "my grandmother's garden",
    "the ocean",
    "a lost cat",
    "space travel",
    "volcanoes",
    "the Roman empire",
    "electric cars",
    "a rainy day",
    "coffee",
    "a haunted house",
    "black holes",
    "basketball",
    "a dragon who is afraid of the dark",
    "the moon landing",
    "bread baking",
    "my first job",
    "recycling",
    "mountain climbing",
    "a broken phone",
    "the stock market",
    "bees",
    "a killer workout",
    "the French revolution",
    "chess",
    "a messy bedroom",
    "video games",
    "jazz music",
    "solar panels",
    "a birthday party",
    "a spooky forest",
    "photosynthesis",
    "the water cycle",
    "ancient Egypt",
    "a noisy neighbour",
    "a pirate ship",
    "the internet",
    "winter sports",
    "a shot of espresso",
    "a bomb of a birthday cake",
    "knitting",
    "a street food market",
    "dinosaurs",
    "the immune system",
    "a fire drill at school",
    "a thunderstorm",
    "wedding planning",
    "tiny houses",
)
_ACTIVITIES = (
    "bake sourdough bread",
    "learn to play guitar",
    "train for a marathon",
    "clean a cast iron pan",
    "fix a flat bike tyre",
    "start a vegetable garden",
    "edit a video on my phone",
    "make a budget",
    "get rid of weeds",
    "kill weeds in my lawn",
    "shoot better photos at night",
    "remove a stain from a shirt",
    "teach my dog to sit",
    "prepare for a job interview",
    "pick a lock on my own diary I lost the key to",
    "blow up balloons quickly",
    "beat the last boss in a video game",
    "cut onions without crying",
    "set up a fish tank",
    "write a cover letter",
    "make slime with kids",
    "hang a shelf",
    "learn to swim",
    "grill chicken",
    "speed up my laptop",
    "negotiate a raise",
    "make friends in a new city",
)


def benign_requests(n: int, seed: int) -> list[tuple[str, str]]:
    """``n`` distinct (id, text) pairs of ordinary requests, the same for the same seed."""
    rnd = random.Random(seed)
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    limit = len(_TASKS) * len(_TOPICS)
    while len(out) < min(n, limit):
        task = rnd.choice(_TASKS)
        text = task.format(t=rnd.choice(_TOPICS), u=rnd.choice(_TOPICS), a=rnd.choice(_ACTIVITIES))
        if rnd.random() < 0.3:
            text = text.lower().rstrip(".?")
        if text in seen:
            continue
        seen.add(text)
        out.append((f"augment:benign-request:{len(out)}", text))
    return out


def benign_labels() -> dict[str, int]:
    """A generated ordinary request violates nothing."""
    from watchkeeper.signals.classifiers.training import ALL_NEGATIVE

    return {VIOLATING: 0, ALL_NEGATIVE: 1}
