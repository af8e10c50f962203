"""The clearly fictional demo cases a new practitioner finds on first start.

``data/demo/case.json`` is the family the app opens on (in its first cycle,
shared review today); ``data/demo/ending.json`` is a second family at the
ending, with questionnaires at the start and the end and goal ratings over
three cycles, so the before-and-after chart has something to show. Dates are
days relative to today so that each reads as a real workbook on whatever day
it is created.
Its film is a generated test picture with a tone, made with the bundled
ffmpeg when the demo is created (media is never committed), then imported
like any film and given the coded moments and chosen clips of the file.
"""

from __future__ import annotations

import functools
import json
import subprocess
import tempfile
from datetime import date, timedelta
from pathlib import Path

from vig_core.case import outcomes
from vig_core.case.consent import ConsentKind
from vig_core.case.cycles import CycleStatus, Stage
from vig_core.case.film import Turn
from vig_core.case.questionnaires import TimePoint
from vig_core.case.record import Case, new_case
from vig_core.case.review import record_words
from vig_core.media.ffmpeg import ffmpeg_exe, spawn_options
from vig_core.services.recordings import import_recording
from vig_core.shipped import SHIPPED_DATA
from vig_core.storage.store import CaseStore
from vig_core.vocab.instruments import load_instruments
from vig_core.vocab.prompts import SHARED_REVIEW, read_prompt_set
from vig_core.vocab.prompts import SHIPPED_DIR as PROMPTS_DIR

DEMO_FILE = SHIPPED_DATA / "demo" / "case.json"
ENDING_DEMO_FILE = DEMO_FILE.with_name("ending.json")


@functools.cache
def _generated_film(seconds: int) -> Path:
    """A test picture with a tone, made once per process (the folder goes when the process ends)."""
    folder = tempfile.TemporaryDirectory(prefix="vig-demo-")
    _FOLDERS.append(folder)
    source = Path(folder.name) / "demo film.mp4"
    subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
         "-f", "lavfi", "-i", f"testsrc2=size=640x360:rate=25:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency=330:beep_factor=2:duration={seconds}",
         "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", "25",
         "-c:a", "aac", "-movflags", "+faststart", "-shortest", str(source)],
        check=True, capture_output=True, **spawn_options())
    return source


_FOLDERS: list[tempfile.TemporaryDirectory] = []  # kept alive for the cache above


def ensure_demo_case(store: CaseStore, today: date | None = None, *, spec_file: Path = DEMO_FILE) -> str:
    """Create the demo case unless it exists already; return its id (idempotent)."""
    spec = json.loads(spec_file.read_text(encoding="utf-8"))
    if not store.exists(spec["id"]):
        _create(store, spec, today or date.today())
    if not store.load(spec["id"]).recordings:
        add_demo_film(store, spec["id"], spec["film"], today or date.today())
    return spec["id"]


def ensure_demo_cases(store: CaseStore, today: date | None = None) -> str:
    """Both demo families; returns the id of the one the app opens on."""
    ensure_demo_case(store, today, spec_file=ENDING_DEMO_FILE)
    return ensure_demo_case(store, today)


def _create(store: CaseStore, spec: dict, today: date) -> None:
    def day(offset: int) -> date:
        return today + timedelta(days=offset)

    opened = day(-spec["opened_days_ago"])
    case = new_case(
        spec["code"],
        spec["child_first_name"],
        opened,
        carer_name=spec["carer_name"],
        child_birth_date=day(-spec["child_age_days"]),
        planned_cycles=spec["planned_cycles"],
        case_id=spec["id"],
    )
    case.is_demo = True
    case.stage = Stage(spec["stage"])
    for kind in ConsentKind:
        if kind.value in spec["consent"]:
            case.consent.give(kind, day(-spec["consent"][kind.value]))
    case.consent.notes = spec["consent"]["notes"]
    for name, text in spec["conversation"].items():
        setattr(case.conversation, name, text)
    case.practitioner_notes = spec["practitioner_notes"]
    for goal_spec in spec["goals"]:
        goal = case.add_goal(goal_spec["text"], None, opened)
        for days_ago, score, *cycle in goal_spec["ratings"]:
            goal.rate(score, day(-days_ago), cycle=cycle[0] if cycle else None)
    for cycle_spec in spec["cycles"]:
        cycle = case.cycle(cycle_spec["number"])
        cycle.filming_date = day(cycle_spec["filming"])
        cycle.review_date = day(cycle_spec["review"])
        cycle.status = CycleStatus(cycle_spec["status"])
        cycle.film_next = cycle_spec.get("film_next", "")
    instruments, _ = load_instruments(store.root)
    for given in spec.get("questionnaires", []):
        instrument, on = instruments[given["instrument"]], day(-given["days_ago"])
        time_point = TimePoint(given["time_point"])
        if "total" in given:
            outcomes.enter_total(case, instrument, time_point, given["total"], on)
            continue
        administration = outcomes.start(case, instrument, time_point, on)
        for item_id, value in given["answers"].items():
            outcomes.answer(case, administration.id, instrument, item_id, value)
        outcomes.finish(case, administration.id, instrument, on)
    for name, text in spec.get("ending", {}).items():
        setattr(case.ending, name, text)
    store.create(case)


def add_demo_film(store: CaseStore, case_id: str, spec: dict, today: date) -> None:
    """Generate the demo film, import it, and code it as the demo file says
    (with the parent's words at the review, where the file has them)."""
    recording = import_recording(store, case_id, spec["cycle"], _generated_film(spec["seconds"]),
                                 original_name="demo film.mp4")

    def code(case: Case) -> None:
        case.recording(recording.id).title = spec["title"]
        moments = []
        for item in spec["moments"]:
            moment = case.mark_moment(recording.id, item["time"])
            moment.principles, moment.behaviours = item["principles"], item["behaviours"]
            moment.turn, moment.note = Turn(item["turn"]), item["note"]
            moment.working_point = item.get("working_point", False)
            moments.append(moment)
        prompts = read_prompt_set(PROMPTS_DIR / f"{SHARED_REVIEW}.json").prompts  # shipped: own edits may differ
        said_on = today - timedelta(days=spec.get("review_days_ago", 0))
        for item in spec["clips"]:
            clip = case.add_clip(recording.id, item["start"], item["end"], title=item["title"],
                                 moment_id=moments[item["moment"]].id)
            clip.naming = item.get("naming", "")
            for prompt_id, words in item.get("words", {}).items():
                prompt = next(p for p in prompts if p.id == prompt_id)
                said = record_words(case, clip.id, prompt, words, said_on)
                if item.get("celebrate"):
                    case.ending.chosen_quotes.append(said.id)

    store.update(case_id, code)
