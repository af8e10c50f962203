"""Film import and clip export: the workbook against bare ffmpeg doing the same job, and whether
each exported clip starts on the chosen frame (issue 8, "Performance").

Two source films are made with the bundled ffmpeg in a throwaway folder: a 1080p H.264/AAC MP4
(already playable, so the workbook only remuxes it) and a 1080p HEVC/AAC .mov turned 90° as a
phone records it (so the workbook transcodes it to H.264, upright). Each is imported with the
workbook's own ``import_recording`` and, alternately, with the exact ffmpeg command the workbook
plans for it, run bare. Then three 20-second clips of the imported H.264 film are exported with
``export_cycle`` (clip files, a still at each clip's ends and the review film with title cards)
and, bare, with the same cut, still and join commands; the first frame of each exported clip is
compared with the source.

    .venv/bin/python bench/media_speed.py               # 10-minute films: about 15-20 min on 2 cores
    .venv/bin/python bench/media_speed.py --minutes 1   # the same at 1-minute films: about 4 min
    .venv/bin/python bench/media_speed.py --quick       # smoke run, under a minute; not figures to report
"""

from __future__ import annotations

import argparse
import inspect
import math
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import av
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from report import Row, median, table  # noqa: E402

from vig_core.case.consent import ConsentKind  # noqa: E402
from vig_core.case.frames import frame_index  # noqa: E402
from vig_core.case.record import new_case  # noqa: E402
from vig_core.media.edit import clip_rate, compile_film, cut_args, film_args, title_card_png, upright_size  # noqa: E402
from vig_core.media.ffmpeg import ffmpeg_exe  # noqa: E402
from vig_core.media.plan import plan_import  # noqa: E402
from vig_core.media.probe import probe  # noqa: E402
from vig_core.media.stills import grab_args, seek_point  # noqa: E402
from vig_core.services.clips import export_cycle  # noqa: E402
from vig_core.services.recordings import import_recording, remove_recording  # noqa: E402
from vig_core.storage.store import CaseStore  # noqa: E402

FPS = 30
PHONE_ROTATION = 90  # the HEVC film is turned as a phone records it: the workbook transcodes it with autorotate
RATIO_TARGET = 1.15  # the workbook may take at most 15 % longer than bare ffmpeg
REMUX_TARGET = 50.0  # a playable film is ready at 50× real time or faster
REACH = 2  # source frames compared either side of a clip's chosen first frame
CYCLE = 1
CLIP_TITLES = ["Ada looks up at Mum", "Mum names what Ada does", "They laugh together"]


@dataclass(frozen=True)
class Scale:
    """How much work one run does."""

    film_seconds: float
    width: int
    height: int
    piece_seconds: float  # length of the piece encoded once and then looped into the film
    clip_seconds: float
    remux_runs: int  # of each kind; the transcode is timed once each way
    export_runs: int


def full(minutes: float) -> Scale:
    seconds = minutes * 60
    return Scale(seconds, 1920, 1080, min(30.0, seconds), 20.0, 5, 2)


QUICK = Scale(20.0, 320, 240, 10.0, 1.0, 3, 1)


STARTED = time.perf_counter()


def say(text: str) -> None:
    """Where a long run has got to, and when (stderr: stdout is kept for the table)."""
    print(f"[media_speed {time.perf_counter() - STARTED:5.0f} s] {text}", file=sys.stderr, flush=True)


def ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args], check=True)


def make_film(folder: Path, name: str, hevc: bool, scale: Scale) -> Path:
    """A film of ``scale.film_seconds`` of testsrc2 (a different picture every frame) with a tone.

    Encoding minutes of 1080p HEVC takes far longer than the import being measured, so a short
    piece is encoded once, with a keyframe every second, and looped by copying its packets. The
    sound is encoded for the whole length separately: looping AAC with its priming samples would
    leave a gap in the picture's timestamps at every loop and make the film's frame rate uneven.
    """
    piece = folder / f"piece-{name}"
    codec = (["-c:v", "libx265", "-x265-params", "log-level=error:open-gop=0", "-tag:v", "hvc1"] if hevc
             else ["-c:v", "libx264"])
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size={scale.width}x{scale.height}:rate={FPS}:duration={scale.piece_seconds}",
           *codec, "-preset", "ultrafast", "-g", str(FPS), "-pix_fmt", "yuv420p", str(piece))
    film = folder / name
    loops = math.ceil(scale.film_seconds / scale.piece_seconds) - 1
    turn = ["-display_rotation", str(PHONE_ROTATION)] if hevc else []
    ffmpeg("-stream_loop", str(loops), *turn, "-i", str(piece),
           "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={scale.film_seconds}",
           "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "aac", "-ac", "2", "-t", str(scale.film_seconds),
           str(film))
    piece.unlink()
    return film


def bare_args(args: list[str]) -> list[str]:
    """The workbook's ffmpeg arguments without the progress report it reads (``-progress pipe:1 -nostats``)."""
    out: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg == "-progress":
            skip = True
        elif arg != "-nostats":
            out.append(arg)
    return out


def run_bare(args: list[str], stdout: Path | None = None) -> float:
    """Seconds bare ffmpeg takes to run the workbook's ``args`` (progress report left out);
    what it writes to its standard output (a still) goes to the file ``stdout``."""
    start = time.perf_counter()
    with open(stdout or os.devnull, "wb") as out:
        subprocess.run([ffmpeg_exe(), *bare_args(args)], stdout=out, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def new_store(root: Path) -> tuple[CaseStore, str]:
    """A throwaway data root with one case that may import films (filming consent on record)."""
    store = CaseStore(root)
    case = store.create(new_case("BENCH-01", "Ada", date.today(), planned_cycles=1))
    store.update(case.id, lambda c: c.consent.give(ConsentKind.FILMING, date.today()))
    return store, case.id


# --- import ---------------------------------------------------------------------------------------------

@dataclass
class ImportTimes:
    mode: str
    workbook: list[float]
    bare: list[float]
    recording_id: str | None  # the kept import, if asked to keep one


def time_import(store: CaseStore, case_id: str, source: Path, work: Path, runs: int, *, keep: bool) -> ImportTimes:
    """Import ``source`` with the workbook and with bare ffmpeg ``runs`` times each, in the order
    ABBA… so that neither always runs with the warmer cache; each output is removed straight away
    (only the workbook's last import stays when ``keep``)."""
    bare_target = work / "bare-import.mp4"
    plan = plan_import(probe(source), source, bare_target)  # the command import_recording runs, to another file
    times = ImportTimes(plan.mode, [], [], None)
    for run in range(runs):
        for side in (("bare", "workbook") if run % 2 == 0 else ("workbook", "bare")):
            if side == "bare":
                times.bare.append(run_bare(plan.args))
                bare_target.unlink()
                continue
            start = time.perf_counter()
            recording = import_recording(store, case_id, CYCLE, source)
            times.workbook.append(time.perf_counter() - start)
            if keep and run == runs - 1:
                times.recording_id = recording.id
            else:
                remove_recording(store, case_id, recording.id)
    return times


def import_rows(times: ImportTimes, source: Path, film_seconds: float, label: str) -> list[Row]:
    workbook, bare = median(times.workbook), median(times.bare)
    how = f"median of {len(times.workbook)}" if len(times.workbook) > 1 else "once"
    ratio = workbook / bare
    speed = film_seconds / workbook
    what = f"Import ({times.mode}) of {label} ({source.stat().st_size / 1e6:,.0f} MB)"
    return [
        Row(f"{what}: workbook", f"{workbook:.2f} s ({how})"),
        Row(f"{what}: bare ffmpeg, same command", f"{bare:.2f} s ({how})"),
        Row(f"{what}: workbook / bare", f"{ratio:.2f}", f"≤ {RATIO_TARGET}", ratio <= RATIO_TARGET),
        Row(f"{what}: speed", f"{speed:.0f}× real time",
            *((f"≥ {REMUX_TARGET:.0f}× real time", speed >= REMUX_TARGET) if times.mode == "remux" else ("", None))),
    ]


# --- clip export ----------------------------------------------------------------------------------------

def clip_starts(scale: Scale) -> list[int]:
    """First frames of the three clips: spread over the film, each 7 to 15 frames after a keyframe
    (the source has one every second), so the cut has to decode its way to the frame."""
    room = scale.film_seconds - scale.clip_seconds
    return [int(room * share * FPS) // FPS * FPS + 7 + 4 * n for n, share in enumerate((0.1, 0.5, 0.9))]


def add_clips(store: CaseStore, case_id: str, recording_id: str, scale: Scale) -> None:
    """Three clips of the recording; the first three of a cycle are chosen for the review by default."""
    length = round(scale.clip_seconds * FPS)

    def cut(case) -> None:
        for start, title in zip(clip_starts(scale), CLIP_TITLES, strict=True):
            case.add_clip(recording_id, start / FPS, (start + length) / FPS, title=title)

    store.update(case_id, cut)


def time_bare_export(source: Path, clips, folder: Path) -> float:
    """Seconds bare ffmpeg takes for the export's work: the workbook's own cut arguments, the
    same still commands at each clip's first and last frame, and its join into the review film;
    the title-card pictures and the clips' descriptions are made outside the timing."""
    info = probe(source)
    rate = clip_rate(info)
    seconds, made = 0.0, []
    for number, clip in enumerate(clips, start=1):
        target = folder / f"clip-{number}.mp4"
        first, stop = frame_index(clip.start, float(rate)), frame_index(clip.end, float(rate))
        seconds += run_bare(cut_args(source, first / rate, stop / rate, target,
                                     has_audio=info.audio_codec is not None, fps=rate))
        for end in (clip.start, max(clip.start, clip.end - 1 / float(rate))):
            seconds += run_bare(grab_args(source, seek_point(end, float(rate)), None), folder / f"still-{number}.png")
        made.append((target, probe(target)))
    width, height = upright_size(made[0][1])
    cards = []
    for number, clip in enumerate(clips, start=1):
        card = folder / f"card-{number}.png"
        card.write_bytes(title_card_png(clip.title, width, height))
        cards.append(card)
    card_seconds = inspect.signature(compile_film).parameters["card_seconds"].default  # export_cycle uses it
    args, _ = film_args(made, cards, folder / "film.mp4", card_seconds=card_seconds)
    return seconds + run_bare(args)


# --- first-frame accuracy (as tests/integration/test_media_edit.py checks it) --------------------------------

def shrink(gray: np.ndarray) -> np.ndarray:
    """A quarter-size grayscale picture: enough to tell testsrc2's frames apart, quick to compare."""
    height, width = gray.shape[0] // 4 * 4, gray.shape[1] // 4 * 4
    return gray[:height, :width].astype(float).reshape(height // 4, 4, width // 4, 4).mean(axis=(1, 3))


def first_frame(video: Path) -> np.ndarray:
    with av.open(str(video)) as container:
        return shrink(next(container.decode(video=0)).to_ndarray(format="gray"))


def frames_near(video: Path, index: int, reach: int) -> list[np.ndarray]:
    """Frames ``index - reach`` … ``index + reach`` of ``video`` decoded by PyAV (the reference).

    A long film is not decoded from its start: PyAV seeks to the keyframe before and numbers the
    frames by their timestamps, which in the films made here are evenly spaced from zero.
    """
    wanted = range(index - reach, index + reach + 1)
    found: dict[int, np.ndarray] = {}
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        origin = stream.start_time or 0
        container.seek(origin + max(0, int((wanted[0] - 1) / FPS / stream.time_base)), stream=stream)
        for frame in container.decode(stream):
            number = round((frame.pts - origin) * stream.time_base * FPS)
            if number in wanted:
                found[number] = shrink(frame.to_ndarray(format="gray"))
            if number >= wanted[-1]:
                break
    return [found[n] for n in wanted]


def accuracy_row(number: int, clip_file: Path, source: Path, start: int) -> Row:
    """How many frames the clip's first picture is from the chosen one (the closest of five)."""
    picture = first_frame(clip_file)
    diffs = [float(np.abs(picture - frame).mean()) for frame in frames_near(source, start, REACH)]
    order = np.argsort(diffs)
    best, runner_up = diffs[order[0]], diffs[order[1]]
    offset = int(order[0]) - REACH
    clear = best < 2.0 and runner_up > 3 * best  # the thresholds of tests/integration/test_media_edit.py
    return Row(f"First frame of exported clip {number} (frame {start} of the film)",
               f"{offset} frames (difference {best:.2f}, next closest {runner_up:.2f})",
               "0 frames", offset == 0 and clear)


# --- the whole run -------------------------------------------------------------------------------------------

def length(seconds: float) -> str:
    return f"{seconds / 60:g}-min" if seconds >= 60 else f"{seconds:g}-s"


def measure(quick: bool = False, minutes: float = 10) -> list[Row]:
    """Make the films, time imports and the clip export, check the cuts; everything made is removed."""
    scale = QUICK if quick else full(minutes)
    size = f"{length(scale.film_seconds)} {scale.height}p"
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="vig-media-speed-") as folder:
        work = Path(folder)
        store, case_id = new_store(work / "data")
        say(f"making the {size} films")
        h264 = make_film(work, "phone.mp4", hevc=False, scale=scale)
        hevc = make_film(work, "phone.mov", hevc=True, scale=scale)

        say("importing the H.264 film (remux)")
        remux = time_import(store, case_id, h264, work, scale.remux_runs, keep=True)
        rows += import_rows(remux, h264, scale.film_seconds, f"a {size} H.264/AAC MP4")
        h264.unlink()
        say("importing the HEVC film (transcode)")
        transcode = time_import(store, case_id, hevc, work, 1, keep=False)
        rows += import_rows(transcode, hevc, scale.film_seconds, f"a {size} HEVC/AAC .mov turned {PHONE_ROTATION}°")
        hevc.unlink()
        if (remux.mode, transcode.mode) != ("remux", "transcode"):
            raise RuntimeError(f"expected a remux and a transcode, the workbook planned {remux.mode}, {transcode.mode}")

        say("exporting three clips and the review film")
        add_clips(store, case_id, remux.recording_id, scale)
        case = store.load(case_id)
        recording = case.recording(remux.recording_id)
        source = store.media_path(case_id, recording.playable)
        chosen = case.chosen_clips(CYCLE)
        bare_folder = work / "bare-export"
        bare_folder.mkdir()
        bare, workbook = [], []
        for run in range(scale.export_runs):  # alternate which goes first, as for the imports
            for side in (("bare", "workbook") if run % 2 == 0 else ("workbook", "bare")):
                if side == "bare":
                    bare.append(time_bare_export(source, chosen, bare_folder))
                else:
                    start = time.perf_counter()
                    exported = export_cycle(store, case_id, CYCLE)
                    workbook.append(time.perf_counter() - start)
        what = (f"Clip export, 3 × {scale.clip_seconds:g} s clips of the {size} film, 6 stills, review film "
                "with title cards")
        how = f"median of {scale.export_runs}"
        ratio = median(workbook) / median(bare)
        rows += [
            Row(f"{what}: workbook (export_cycle)", f"{median(workbook):.2f} s ({how})"),
            Row(f"{what}: bare ffmpeg, same cut, still and join commands", f"{median(bare):.2f} s ({how})"),
            Row(f"{what}: workbook / bare", f"{ratio:.2f}", f"≤ {RATIO_TARGET}", ratio <= RATIO_TARGET),
        ]
        say("checking the first frame of each clip")
        rows += [accuracy_row(number, path, source, frame_index(clip.start, recording.fps))
                 for number, (path, clip) in enumerate(zip(exported.clips, chosen, strict=True), start=1)]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20-second 320x240 films, 1-second clips: a smoke run")
    parser.add_argument("--minutes", type=float, default=10, help="length of each film in the full run (default 10)")
    args = parser.parse_args()
    print(table(measure(args.quick, minutes=args.minutes)))


if __name__ == "__main__":
    main()
