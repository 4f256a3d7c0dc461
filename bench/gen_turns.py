#!/usr/bin/env python3
"""Writes a reproducible replay workload: N turns from U users, interleaved, as the JSON
lines `reframe replay` reads. Messages are assembled from small phrase tables (a mix of
self-critical statements, everyday remarks, answers to questions and option numbers), so
the workload exercises matching, every flow step and the session store.

  python3 bench/gen_turns.py --turns 100000 --users 1000 > bench/out/turns.jsonl
"""
import argparse
import json
import random

OPENERS = ["", "honestly ", "ugh ", "tbh ", "today ", "again ", "so "]
SELF_CRITICAL = [
    "i'm so {label}, i couldn't even {task}",
    "im such a {label}",
    "i should be able to {task} by now",
    "everyone else manages to {task} and i can't",
    "i always ruin {event} because of my {symptom}",
    "it's my fault my {symptom} is this bad",
    "i'll never be able to {task} again",
    "my {person} must think i'm {label}",
    "i managed to {task} but that's nothing",
    "i feel {label} so i probably am",
]
NEUTRAL = [
    "my {symptom} is a bit better today",
    "i had a cup of tea and sat in the garden",
    "went for a short walk with my {person}",
    "the weather is grey here",
    "not sure what to say",
    "hello",
    "thanks",
]
ANSWERS = ["yes", "no", "maybe", "1", "2", "i'd tell them to rest", "that helps a little", "ok"]
LABELS = ["useless", "lazy", "pathetic", "a failure", "weak", "a burden", "a mess", "broken"]
TASKS = ["finish the dishes", "walk to the shops", "work a full day", "cook dinner", "shower", "play with my kids"]
EVENTS = ["family dinners", "nights out", "holidays", "every plan"]
SYMPTOMS = ["back", "migraine", "fatigue", "stomach", "pain", "ibs", "joints"]
PEOPLE = ["husband", "wife", "partner", "boss", "mum", "kids", "friends"]


def message(rng):
    roll = rng.random()
    table = SELF_CRITICAL if roll < 0.45 else NEUTRAL if roll < 0.70 else ANSWERS
    text = rng.choice(OPENERS) + rng.choice(table)
    return text.format(label=rng.choice(LABELS), task=rng.choice(TASKS), event=rng.choice(EVENTS),
                       symptom=rng.choice(SYMPTOMS), person=rng.choice(PEOPLE))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    for _ in range(args.turns):
        user = f"user-{rng.randrange(args.users):04d}"
        print(json.dumps({"user": user, "text": message(rng)}))


if __name__ == "__main__":
    main()
