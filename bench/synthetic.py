"""A synthetic data folder at a multiple of a busy practitioner's year, for the scale benchmarks.

One busy year (scale 1) is taken as 20 cases with 100 cycles, 300 clips, 2,000
moments, 1,000 reflections and 200 questionnaires given; scale 10 is the
issue's target of 200 cases, 1,000 cycles, 3,000 clips, 20,000 moments,
10,000 reflections and 2,000 administrations. Every recording is the same
short generated film, hard-linked into each case folder (cheap, and the film
pages still find a real file to take stills from).

    .venv/bin/python bench/synthetic.py DIR --scale 10     # build one, print what it holds
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vig_core.case import outcomes
from vig_core.case.consent import ConsentKind
from vig_core.case.cycles import CycleStatus, Stage
from vig_core.case.film import Recording, Turn
from vig_core.case.questionnaires import TimePoint
from vig_core.case.record import new_case
from vig_core.case.review import record_words
from vig_core.media.ffmpeg import ffmpeg_exe
from vig_core.storage.store import CaseStore
from vig_core.text import new_id
from vig_core.vocab.instruments import load_instruments
from vig_core.vocab.principles import load_principles
from vig_core.vocab.prompts import SHARED_REVIEW, SHIPPED_DIR, read_prompt_set

PER_CASE = {"cycles": 5, "clips per cycle": 3, "moments per cycle": 20, "words per clip": 3 + 1 / 3,
            "questionnaires": 10}
CASES_AT_SCALE_1 = 20
FILM_SECONDS = 60
TODAY = date(2026, 11, 21)


def make_film(folder: Path) -> Path:
    """A 60 s 320×240 test film with sound (H.264/AAC, playable as it is)."""
    film = folder / "film.mp4"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=s=320x240:r=25:d={FILM_SECONDS}",
                    "-f", "lavfi", "-i", f"sine=frequency=440:duration={FILM_SECONDS}", "-c:v", "libx264",
                    "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
                    "-movflags", "+faststart", str(film)], check=True)
    return film


def build(root: Path, scale: float, *, seed: int = 7) -> dict[str, int]:
    """Fill the empty data folder ``root`` with ``20 × scale`` coded cases; return the counts made."""
    rng = random.Random(seed)
    store = CaseStore(root)
    principles, _ = load_principles(root)
    instruments = [i for i in load_instruments(root)[0].values() if not i.items][:4]  # typed totals: quick to give
    prompts = read_prompt_set(SHIPPED_DIR / f"{SHARED_REVIEW}.json").prompts
    counts = dict.fromkeys(["cases", "cycles", "recordings", "moments", "clips", "reflections", "administrations"], 0)
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root.parent) as work:  # same disk: every film a hard link
        film = make_film(Path(work))
        for number in range(round(CASES_AT_SCALE_1 * scale)):
            opened = TODAY - timedelta(days=rng.randint(30, 360))
            made = store.create(new_case(f"SYN-{number:04d}", f"Child{number}", opened, carer_name=f"Carer{number}",
                                         planned_cycles=PER_CASE["cycles"]))
            case = store.update(made.id, lambda c: _fill(store, c, film, rng, principles, prompts, instruments))
            for key, value in (("cases", 1), ("cycles", len(case.cycles)), ("recordings", len(case.recordings)),
                               ("moments", len(case.moments)), ("clips", len(case.clips)),
                               ("reflections", len(case.reflections)),
                               ("administrations", len(case.administrations))):
                counts[key] += value
    return counts


def _fill(store, case, film: Path, rng: random.Random, principles, prompts, instruments) -> None:
    case.stage = Stage.CYCLES
    for kind in ConsentKind:
        case.consent.give(kind, case.created_on, in_writing=True)
    case.add_goal(f"I wait for my child to lead the play ({case.code})", rng.randint(1, 5), case.created_on)
    for cycle in case.cycles:
        _film_cycle(store, case, cycle, film, rng, principles, prompts)
    slots = [(i, p) for p in TimePoint for i in instruments][:PER_CASE["questionnaires"]]
    for instrument, point in slots:  # typed totals, as for a licensed measure
        outcomes.enter_total(case, instrument, point, instrument.minimum, case.created_on)


def _film_cycle(store, case, cycle, film: Path, rng: random.Random, principles, prompts) -> None:
    recording_id = new_id()
    folder = store.case_folder(case.id) / "recordings" / recording_id
    folder.mkdir(parents=True, exist_ok=True)
    os.link(film, folder / "film.mp4")
    cycle.filming_date = case.created_on + timedelta(days=14 * cycle.number)
    cycle.status = CycleStatus.REVIEWED
    case.recordings.append(Recording(
        id=recording_id, cycle=cycle.number, title=f"Play at home, cycle {cycle.number}", original_name="film.mp4",
        imported_at=datetime(2026, 1, 1), playable=f"recordings/{recording_id}/film.mp4",
        duration=float(FILM_SECONDS), fps=25.0, width=320, height=240, has_audio=True))
    headings = principles.headings
    for n in range(PER_CASE["moments per cycle"]):
        moment = case.mark_moment(recording_id, (n + rng.random()) * FILM_SECONDS / PER_CASE["moments per cycle"])
        heading = rng.choice(headings)
        moment.principles, moment.behaviours = [heading.id], [rng.choice(heading.behaviours)]
        moment.turn, moment.note = rng.choice(list(Turn)), "A short note on what happened here. " * 3
    for n in range(PER_CASE["clips per cycle"]):
        start = 2 + n * 18 + rng.random() * 4
        clip = case.add_clip(recording_id, start, start + 6, title=f"Clip {n + 1} of cycle {cycle.number}")
        clip.naming = "You waited, and your child showed you."
        said = 3 + (rng.random() < PER_CASE["words per clip"] - 3)
        for prompt in prompts[:said]:
            record_words(case, clip.id, prompt, "What the parent said about this clip, in their own words.",
                         cycle.filming_date)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path, help="an empty or new folder")
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    if args.root.exists() and any(args.root.iterdir()):
        sys.exit(f"{args.root} is not empty.")
    start = time.perf_counter()
    counts = build(args.root, args.scale)
    print(", ".join(f"{n:,} {what}" for what, n in counts.items()), f"in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
