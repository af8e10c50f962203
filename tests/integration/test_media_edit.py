"""Frame-exact stills, clips and review films, checked against PyAV's own decoding.

testsrc2 pictures change every frame, so "is this frame k?" is answered by
comparing small grayscale arrays: the right frame is far closer than its
neighbours.
"""

from __future__ import annotations

import io
import math
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from media_fixtures import ffmpeg, make
from unit.test_frames import RATES
from vig_core.case.frames import snap
from vig_core.errors import ValidationError
from vig_core.media import edit as edit_module
from vig_core.media.edit import CARD_GREEN, compile_film, cut_args, cut_clip, export_stills, title_card_png
from vig_core.media.probe import MediaError, probe
from vig_core.media.stills import save_still, seek_point, still_png

FPS = 30  # the fixtures' rate
FRAME = 1 / FPS
# --- films ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def films(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("edit-films")


@pytest.fixture(scope="session")
def long_sound(films: Path) -> Path:
    """2 s of picture with 2.5 s of sound: the reported length runs past the last frame."""
    path = films / "long sound.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=2", "-f", "lavfi", "-i",
           "sine=frequency=440:duration=2.5", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", str(path))
    return path


@pytest.fixture(scope="session")
def small_25fps(films: Path) -> Path:
    """Another recording: smaller, 25 fps, 4:3 at 160x120, no sound."""
    path = films / "small.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=1", "-c:v", "libx264", "-pix_fmt",
           "yuv420p", str(path))
    return path


@pytest.fixture(scope="session")
def beep_at_one(films: Path) -> Path:
    """Silence, then a tone from exactly 1 s: where the sound starts shows whether it stays in step."""
    path = films / "beep.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=2", "-f", "lavfi", "-i",
           "aevalsrc='if(gte(t,1),0.5*sin(2*PI*440*t),0)':s=48000:d=2", "-c:v", "libx264", "-pix_fmt", "yuv420p",
           "-c:a", "aac", str(path))
    return path


_decoded: dict[Path, list[np.ndarray]] = {}


def frames_of(path: Path) -> list[np.ndarray]:
    """Every frame as a 1/4-size grayscale array, decoded by PyAV (the reference)."""
    if path not in _decoded:
        with av.open(str(path)) as container:
            _decoded[path] = [shrink(frame.to_ndarray(format="gray")) for frame in container.decode(video=0)]
    return _decoded[path]


def shrink(gray: np.ndarray) -> np.ndarray:
    height, width = gray.shape[0] // 4 * 4, gray.shape[1] // 4 * 4
    return gray[:height, :width].astype(float).reshape(height // 4, 4, width // 4, 4).mean(axis=(1, 3))


def png_gray(data: bytes) -> np.ndarray:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return shrink(np.asarray(Image.open(io.BytesIO(data)).convert("L")))


def closest(picture: np.ndarray, reference: list[np.ndarray]) -> tuple[int, float, float]:
    """Index of the closest reference frame, its difference and the next smallest difference."""
    diffs = [float(np.abs(picture - frame).mean()) for frame in reference]
    order = np.argsort(diffs)
    return int(order[0]), diffs[order[0]], diffs[order[1]]


def assert_is_frame(picture: np.ndarray, reference: list[np.ndarray], index: int) -> None:
    found, best, runner_up = closest(picture, reference)
    assert found == index, f"got frame {found}, wanted {index}"
    assert best < 2.0 and runner_up > 3 * best, (best, runner_up)


def first_frame(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        return shrink(next(container.decode(video=0)).to_ndarray(format="gray"))


def streams(path: Path) -> dict[str, tuple[str, float, int]]:
    """kind -> (codec, seconds, frames) as PyAV demuxes them."""
    out = {}
    with av.open(str(path)) as container:
        for stream in container.streams:
            seconds = float(stream.duration * stream.time_base) if stream.duration else 0.0
            out[stream.type] = (stream.codec_context.name, seconds, stream.frames)
    return out


def loudest(path: Path) -> float:
    with av.open(str(path)) as container:
        return max(float(np.abs(frame.to_ndarray()).max()) for frame in container.decode(audio=0))


def leftovers(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.name.startswith(".")]


def plain(message: str) -> bool:
    return "\n" not in message and message.endswith(".") and "ffmpeg" not in message.lower()


def test_seek_point_lands_just_before_the_frame():
    assert seek_point(0.0, 30) == 0.0
    for fps in RATES:
        for k in (1, 2, 15, 1000):
            assert (k - 1) / fps < seek_point(k / fps, fps) < k / fps


# --- stills -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["h264_aac.mp4", "vp9_opus.webm", "mjpeg.avi"])  # mp4, ms clock, frame clock
@pytest.mark.parametrize("index, within", [(0, 0.0), (1, 0.0), (3, 0.5), (17, 0.99), (30, 0.0), (59, 0.5)])
def test_still_is_the_exact_frame(films, kind, index, within):
    video = make(kind, films)
    picture = png_gray(still_png(video, (index + within) * FRAME, max_width=None))
    assert_is_frame(picture, frames_of(video), index)


def test_still_at_or_past_the_end_is_the_last_frame(films, long_sound):
    video = make("h264_aac.mp4", films)
    assert_is_frame(png_gray(still_png(video, 2.0)), frames_of(video), 59)
    assert_is_frame(png_gray(still_png(video, 99.0)), frames_of(video), 59)
    # The sound runs on after the picture: the last picture still shows.
    assert_is_frame(png_gray(still_png(long_sound, 2.3)), frames_of(long_sound), 59)


def test_still_is_upright_for_a_turned_phone_film(films):
    video = make("phone hevc rotated é.mov", films)
    image = Image.open(io.BytesIO(still_png(video, 10 * FRAME)))
    assert image.size == (240, 320)
    upright = [np.rot90(frame) for frame in frames_of(video)]  # turned 90° counter-clockwise
    assert_is_frame(png_gray(still_png(video, 10 * FRAME)), upright, 10)


@pytest.mark.parametrize("max_width, size", [(160, (160, 120)), (100, (100, 75)), (None, (320, 240)),
                                             (960, (320, 240))])
def test_still_is_only_ever_shrunk_keeping_its_shape(films, max_width, size):
    data = still_png(make("h264_aac.mp4", films), 0.5, max_width=max_width)
    assert Image.open(io.BytesIO(data)).size == size


def test_save_still_writes_the_full_frame_and_nothing_else(films, tmp_path):
    video = make("h264_aac.mp4", films)
    target = save_still(video, 0.5, tmp_path / "moment.png")
    assert target == tmp_path / "moment.png" and sorted(tmp_path.iterdir()) == [target]
    assert Image.open(target).size == (320, 240)
    assert_is_frame(png_gray(target.read_bytes()), frames_of(video), 15)


def test_failed_stills_leave_nothing_and_say_so_plainly(films, tmp_path):
    with pytest.raises(MediaError) as raised:
        save_still(tmp_path / "gone.mp4", 0.5, tmp_path / "moment.png")
    assert plain(str(raised.value)) and "missing or damaged" in str(raised.value)
    with pytest.raises(MediaError) as raised:
        save_still(make("h264_aac.mp4", films), 0.5, tmp_path / "no such folder" / "moment.png")
    assert plain(str(raised.value))
    with pytest.raises(MediaError):
        still_png(make("random.mp4", films), 0.5)
    assert list(tmp_path.rglob("*")) == []


def test_messages_about_the_workbooks_own_files_never_name_them(films, tmp_path):
    """The playable copy and the clips are the workbook's files ("film.mp4", "clip-…"): a message
    about one that is damaged or gone says what it is, not its internal name."""
    damaged, gone = tmp_path / "film.mp4", tmp_path / "clip-3f2a.mp4"
    damaged.write_bytes(make("random.mp4", films).read_bytes())
    good = make("h264_aac.mp4", films)
    out = tmp_path / "out"
    out.mkdir()
    attempts = [
        lambda: still_png(damaged, 0.5), lambda: still_png(gone, 0.5),
        lambda: save_still(damaged, 0.5, out / "still.png"),
        lambda: cut_clip(damaged, 0, 1, out / "clip.mp4"), lambda: cut_clip(gone, 0, 1, out / "clip.mp4"),
        lambda: export_stills(damaged, [0.5], out, "still"),
        lambda: compile_film([(good, "a"), (gone, "b")], out / "film.mp4"),
        lambda: cut_clip(good, 0, 1, out / "missing folder" / "clip.mp4"),
    ]
    for attempt in attempts:
        with pytest.raises(MediaError) as raised:
            attempt()
        message = str(raised.value)
        assert "film.mp4" not in message and "clip-" not in message and plain(message), message
    assert list(out.iterdir()) == []


# --- clips ------------------------------------------------------------------------------------------------

def test_cut_args_reencode_from_just_before_the_first_frame(tmp_path):
    source, target = tmp_path / "in.mov", tmp_path / "out.mp4"
    args = cut_args(source, 0.51, 1.23, target, has_audio=True, fps=30)
    assert args[-1] == str(target) and "copy" not in args
    assert args[args.index("-c:v") + 1] == "libx264" and "yuv420p" in args and "cfr" in args
    assert args[args.index("-r") + 1] == "30" and "+faststart" in args and "anullsrc" not in " ".join(args)
    assert 14 / 30 < float(args[args.index("-ss") + 1]) < 15 / 30  # frame 15 is the first one kept
    assert float(args[args.index("-t") + 1]) == pytest.approx(21 / 30, abs=1e-6)
    assert args[args.index("-frames:v") + 1] == "21"
    assert args.index("-ss") < args.index("-i")  # an input seek: decoded from the keyframe, exact

    silent = cut_args(source, 0, 1, target, has_audio=False, fps=Fraction(30000, 1001))
    assert silent[silent.index("-ss") + 1] == "0.000000" and silent[silent.index("-r") + 1] == "30000/1001"
    assert any(arg.startswith("anullsrc") for arg in silent) and "1:a:0" in silent
    with pytest.raises(ValueError):
        cut_args(source, 1.0, 1.01, target, has_audio=True, fps=30)  # less than a frame


@pytest.mark.parametrize("kind", ["h264_aac.mp4", "no_audio.mp4", "vp9_opus.webm"])
def test_cut_starts_on_the_chosen_frame_and_lasts_the_span(films, tmp_path, kind):
    source = make(kind, films)
    seen: list[float] = []
    # Frames 15 to 35: frame 36, shown at 1.23, is where the clip stops.
    clip = cut_clip(source, 0.51, 1.23, tmp_path / "clip.mp4", on_progress=seen.append)

    assert_is_frame(first_frame(clip), frames_of(source), 15)
    assert_is_frame(frames_of(clip)[-1], frames_of(source), 35)
    info = probe(clip)
    assert (info.video_codec, info.audio_codec, info.pix_fmt) == ("h264", "aac", "yuv420p")
    assert (info.width, info.height, info.fps) == (320, 240, 30)
    assert info.duration == pytest.approx(21 * FRAME, abs=FRAME)
    video, audio = streams(clip)["video"], streams(clip)["audio"]
    assert video[2] == 21 and audio[1] == pytest.approx(video[1], abs=0.03)  # sound as long as the picture
    assert seen and seen == sorted(seen) and seen[-1] == 1.0
    assert sorted(tmp_path.iterdir()) == [clip]


def test_a_film_without_sound_gets_a_silent_track_and_with_sound_keeps_it(films, tmp_path):
    assert loudest(cut_clip(make("no_audio.mp4", films), 0, 1, tmp_path / "quiet.mp4")) < 1e-4
    # sine's amplitude is 1/8, a little less once spread to stereo
    assert loudest(cut_clip(make("h264_aac.mp4", films), 0, 1, tmp_path / "sine.mp4")) > 0.05


def sound_starts(path: Path) -> float:
    """Seconds from the clip's start to the first clearly audible sample."""
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            loud = np.nonzero(np.abs(frame.to_ndarray()).max(axis=0) > 0.1)[0]
            if len(loud):
                return float(frame.time) + loud[0] / frame.sample_rate
    return math.inf


@pytest.mark.parametrize("start", [0.51, 0.7])  # frames 15 and 21: the tone comes 0.5 s and 0.3 s in
def test_a_clip_keeps_sound_in_step_with_picture(beep_at_one, tmp_path, start):
    clip = cut_clip(beep_at_one, start, 1.5, tmp_path / "clip.mp4")
    assert sound_starts(clip) == pytest.approx(1.0 - snap(start, FPS), abs=0.005)


def test_a_cut_from_a_turned_phone_film_is_upright(films, tmp_path):
    source = make("phone hevc rotated é.mov", films)
    clip = cut_clip(source, 10 * FRAME, 20 * FRAME, tmp_path / "clip.mp4")
    info = probe(clip)
    assert (info.width, info.height, info.rotation) == (240, 320, 0)
    assert_is_frame(first_frame(clip), [np.rot90(frame) for frame in frames_of(source)], 10)


def test_a_cut_to_the_end_includes_the_last_frame(films, tmp_path, long_sound):
    source = make("h264_aac.mp4", films)
    clip = cut_clip(source, 1.5, 2.0, tmp_path / "end.mp4")
    assert_is_frame(frames_of(clip)[-1], frames_of(source), 59) and len(frames_of(clip)) == 15
    # Up to the reported length (sound running on) is the end of the picture.
    clip = cut_clip(long_sound, 1.5, 2.5, tmp_path / "end-long.mp4")
    assert len(frames_of(clip)) == 15 and probe(clip).duration == pytest.approx(0.5, abs=FRAME)


@pytest.mark.parametrize("start, end, error, words", [
    (2.5, 3.0, MediaError, "film ends at 0:02.00"), (1.0, 4.0, MediaError, "film ends at 0:02.00"),
    (1.0, 1.0, ValidationError, "after its start"), (1.0, 0.5, ValidationError, "after its start"),
    (-1.0, 0.5, ValidationError, "before the beginning"), (math.nan, 1.0, ValidationError, "times in the film"),
    (1.0, 1.01, ValidationError, "at least one frame")])
def test_impossible_cuts_are_refused_plainly(films, tmp_path, start, end, error, words):
    with pytest.raises(error, match=words) as raised:
        cut_clip(make("h264_aac.mp4", films), start, end, tmp_path / "clip.mp4")
    assert plain(str(raised.value))
    assert list(tmp_path.iterdir()) == []


def test_a_cut_that_fails_leaves_nothing_behind(films, tmp_path):
    with pytest.raises(MediaError, match="missing or damaged") as raised:
        cut_clip(tmp_path / "gone.mp4", 0, 1, tmp_path / "clip.mp4")
    assert plain(str(raised.value))
    with pytest.raises(MediaError, match="missing or damaged"):
        cut_clip(make("random.mp4", films), 0, 1, tmp_path / "clip.mp4")
    with pytest.raises(MediaError, match="could not be cut") as raised:  # ffmpeg itself fails: no such folder
        cut_clip(make("h264_aac.mp4", films), 0, 1, tmp_path / "missing" / "clip.mp4")
    assert plain(str(raised.value))
    assert list(tmp_path.rglob("*")) == []


# --- title cards and review films -------------------------------------------------------------------------

def card(title: str, width: int = 320, height: int = 240) -> np.ndarray:
    image = Image.open(io.BytesIO(title_card_png(title, width, height)))
    assert image.size == (width, height)
    return np.asarray(image.convert("RGB")).astype(int)


def text_box(picture: np.ndarray) -> tuple[int, int, int, int] | None:
    """Bounding box (left, top, right, bottom) of the light text pixels."""
    rows, cols = np.nonzero(picture.sum(axis=2) > 500)
    return (cols.min(), rows.min(), cols.max(), rows.max()) if len(rows) else None


def test_an_empty_title_gives_a_plain_green_card():
    for title in ("", "   ", None):
        picture = card(title)
        assert (picture == CARD_GREEN).all()


def test_a_title_is_centred_and_large():
    left, top, right, bottom = text_box(card("Ada smiles", 640, 360))
    assert abs((left + right) / 2 - 320) < 10 and abs((top + bottom) / 2 - 180) < 25
    assert bottom - top > 30  # large type: an eighth of the height
    assert (card("Ada smiles", 640, 360)[0, 0] == CARD_GREEN).all()


@pytest.mark.parametrize("title", ["Mum and Ada share a look over the blocks, a lovely moment of attunement " * 3,
                                   "Supercalifragilisticexpialidocious" * 4, "word " * 400])
def test_long_titles_wrap_and_shrink_inside_the_card(title):
    left, top, right, bottom = text_box(card(title))
    assert left >= 320 * 0.05 and right <= 320 * 0.95 and top >= 240 * 0.1 and bottom <= 240 * 0.9
    short = text_box(card("Hi"))
    assert (bottom - top) > (short[3] - short[1])  # more than one line


def test_titles_with_accents_are_drawn_not_replaced_by_boxes():
    missing = card("\ue000")  # a private-use character no font draws: the "missing glyph" box
    for title in ("é", "ñ", "ł", "Zoë"):
        assert not np.array_equal(card(title), missing), title


@pytest.fixture(scope="session")
def clips(films: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("clips")
    return [cut_clip(make("h264_aac.mp4", films), 0.5, 1.0, folder / "a.mp4"),
            cut_clip(make("phone hevc rotated é.mov", films), 0.0, 0.5, folder / "b.mp4")]


def test_a_review_film_joins_different_recordings_after_title_cards(clips, small_25fps, tmp_path):
    parts = [(clips[0], "Ada looks up"), (clips[1], "Mum follows her lead"), (small_25fps, "")]
    seen: list[float] = []
    film = compile_film(parts, tmp_path / "review.mp4", card_seconds=1.0, on_progress=seen.append)

    info = probe(film)
    expected = 0.5 + 0.5 + 1.0 + 3 * 1.0
    assert (info.video_codec, info.audio_codec, info.width, info.height, info.fps) == ("h264", "aac", 320, 240, 30)
    assert info.duration == pytest.approx(expected, abs=2 * FRAME)
    assert len(frames_of(film)) == pytest.approx(expected * FPS, abs=2)
    with av.open(str(film)) as container:
        first = next(container.decode(video=0)).to_ndarray(format="rgb24")
    assert np.abs(first[:20, :20].astype(int) - CARD_GREEN).max() < 8  # a card comes first
    assert_is_frame(frames_of(film)[FPS], frames_of(clips[0]), 0)  # then the first clip, from its first frame
    assert_is_frame(frames_of(film)[FPS + 14], frames_of(clips[0]), 14)
    data = film.read_bytes()
    assert data.find(b"moov") < data.find(b"mdat")
    with av.open(str(film)) as container:
        keys = [float(packet.pts * packet.time_base) for packet in container.demux(video=0) if packet.is_keyframe]
    assert keys == pytest.approx([0, 1, 2, 3, 4], abs=FRAME)  # a keyframe each second: seeking is quick
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 1
    assert sorted(tmp_path.iterdir()) == [film]  # no card pictures or partial film left


def test_a_review_film_without_cards_is_just_the_clips(clips, tmp_path):
    film = compile_film([(clips[1], "x"), (clips[0], "y")], tmp_path / "plain.mp4", title_cards=False)
    info = probe(film)
    assert (info.width, info.height) == (240, 320)  # the first clip decides the size
    assert info.duration == pytest.approx(1.0, abs=2 * FRAME)
    assert_is_frame(first_frame(film), frames_of(clips[1]), 0)


def test_a_review_film_that_cannot_be_made_leaves_nothing(films, clips, tmp_path):
    with pytest.raises(ValidationError, match="at least one clip"):
        compile_film([], tmp_path / "film.mp4")
    with pytest.raises(MediaError) as raised:
        compile_film([(clips[0], "a"), (make("random.mp4", films), "b")], tmp_path / "film.mp4")
    assert plain(str(raised.value))
    with pytest.raises(ValidationError):
        compile_film([(clips[0], "a")], tmp_path / "film.mp4", card_seconds=0)
    assert list(tmp_path.rglob("*")) == []


# --- exporting stills -------------------------------------------------------------------------------------

def test_export_stills_names_each_picture_by_its_moment(films, tmp_path):
    video = make("h264_aac.mp4", films)
    saved = export_stills(video, [0.0, 0.51, 1.99], tmp_path / "stills", "FAM-01 cycle 1")
    assert [path.name for path in saved] == ["FAM-01 cycle 1-01-0m00.00s.png", "FAM-01 cycle 1-02-0m00.50s.png",
                                             "FAM-01 cycle 1-03-0m01.97s.png"]
    for path, index in zip(saved, [0, 15, 59], strict=True):
        assert Image.open(path).size == (320, 240)
        assert_is_frame(png_gray(path.read_bytes()), frames_of(video), index)
    assert not leftovers(tmp_path)


@pytest.mark.parametrize("stem", ["", "  ", "a/b", "..", "c:d"])
def test_export_stills_refuses_unsafe_names(films, tmp_path, stem):
    with pytest.raises(ValidationError):
        export_stills(make("h264_aac.mp4", films), [0.0], tmp_path, stem)


def test_export_stills_is_all_or_nothing(films, tmp_path, monkeypatch):
    calls = []
    real = edit_module.save_still

    def fail_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise MediaError("The picture “x.png” could not be saved; the disk may be full.")
        return real(*args, **kwargs)

    monkeypatch.setattr(edit_module, "save_still", fail_second)
    with pytest.raises(MediaError, match="disk may be full"):
        export_stills(make("h264_aac.mp4", films), [0.0, 0.5, 1.0], tmp_path, "still")
    assert len(calls) == 2 and list(tmp_path.iterdir()) == []
