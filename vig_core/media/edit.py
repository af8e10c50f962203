"""Cutting clips, making title cards and putting a film together for review.

Clips are *re-encoded*, never stream-copied: a copy can only start on a
keyframe, which would move the clip's first frame away from the moment the
practitioner chose. Every clip gets the same streams (H.264 yuv420p at a
constant frame rate, keyframe each second, AAC stereo 48 kHz; silent sound if
the recording had none), so any clips can later be joined.

A review film is joined with ffmpeg's concat *filter*, not the concat
demuxer: the filter decodes every part, so clips from different recordings
(other sizes, frame rates, sound) are scaled, padded and resampled to match
the first clip instead of producing a broken file.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import math
import tempfile
from fractions import Fraction
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from vig_core.case.frames import format_time, frame_index, last_frame_index
from vig_core.errors import ValidationError
from vig_core.media.ffmpeg import Progress, run_ffmpeg
from vig_core.media.plan import DEFAULT_FPS, MAX_FPS
from vig_core.media.probe import MediaError, MediaInfo, probe_copy
from vig_core.media.stills import LEAD, ffmpeg_time, last_frame_start, save_still, seek_point
from vig_core.storage import vaulting
from vig_core.storage.files import new_private_file, private_folder
from vig_core.storage.scratch import scratch_folder

CARD_GREEN = (0x2F, 0x6F, 0x5E)
CARD_TEXT = (0xF7, 0xF5, 0xEF)
SILENCE = "anullsrc=channel_layout=stereo:sample_rate=48000"
VIDEO_OUT = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p",
             "-force_key_frames", "expr:gte(t,n_forced*1)"]  # a keyframe every second: exact, quick seeking
AUDIO_OUT = ["-c:a", "aac", "-b:a", "128k", "-ac", "2", "-ar", "48000"]
TAIL = ["-map_metadata", "-1", "-movflags", "+faststart", "-progress", "pipe:1", "-nostats", "-f", "mp4"]


def clip_rate(info: MediaInfo) -> Fraction:
    """The film's own frame rate as an exact fraction (29.97 stays 30000/1001),
    or 25 fps when the film reports something unusable."""
    fps = info.fps if 1.0 <= info.fps <= MAX_FPS else DEFAULT_FPS
    return Fraction(fps).limit_denominator(1001)


def cut_args(source: Path, start: float, end: float, target: Path, *, has_audio: bool,
             fps: float | Fraction) -> list[str]:
    """ffmpeg arguments that re-encode the frames shown from ``start`` up to (not
    including) the frame at ``end`` into the MP4 ``target`` (pure).

    ``fps`` is the source's frame rate: the seek lands a fraction of a frame
    before the first frame (see :mod:`.frames`), and the filters then set that
    frame's time to zero and drop the sound before it.
    """
    rate = Fraction(fps).limit_denominator(1001)
    first, stop = frame_index(start, float(rate)), frame_index(end, float(rate))
    if stop <= first:
        raise ValueError("the clip must contain at least one frame")
    length = ffmpeg_time((stop - first) / rate)
    lead = ffmpeg_time(min(LEAD / rate, first / rate))  # what the seek kept before the first frame
    args = ["-hide_banner", "-nostdin", "-y", "-ss", ffmpeg_time(seek_point(start, float(rate))),
            "-i", str(Path(source).resolve())]
    if has_audio:
        audio_map = ["-map", "0:a:0", "-af", f"atrim=start={lead},asetpts=PTS-STARTPTS,apad"]
    else:  # a silent track, so every clip has the same streams and can be joined
        args += ["-f", "lavfi", "-i", SILENCE]
        audio_map = ["-map", "1:a:0"]
    return [
        *args, "-map", "0:v:0", *audio_map, "-sn", "-dn",
        "-vf", "setpts=PTS-STARTPTS,scale=trunc(iw/2)*2:trunc(ih/2)*2",  # x264 needs even sizes
        "-fps_mode", "cfr", "-r", str(rate), *VIDEO_OUT, *AUDIO_OUT,
        "-t", length, "-frames:v", str(stop - first), *TAIL, str(target),
    ]


def cut_clip(source: Path, start: float, end: float, target: Path, on_progress: Progress | None = None) -> Path:
    """Cut the frames shown from ``start`` up to (not including) the frame at
    ``end`` (seconds) out of ``source`` into the MP4 ``target``; return it."""
    source, target = Path(source), Path(target)
    if not (isinstance(start, (int, float)) and isinstance(end, (int, float))
            and math.isfinite(start) and math.isfinite(end)):
        raise ValidationError("The start and end of a clip must be times in the film.")
    if start < 0:
        raise ValidationError("A clip cannot start before the beginning of the film.")
    if end <= start:
        raise ValidationError("The end of a clip must come after its start.")
    info = probe_copy(source)
    rate = clip_rate(info)
    fps = float(rate)
    # The picture may stop before the sound: clips are bounded by the last frame.
    last = last_frame_start(source)
    final = round(last * fps) if last is not None else last_frame_index(info.duration, fps)
    ends = format_time((final + 1) / fps)
    first = frame_index(start, fps)
    if first > final:
        raise MediaError(f"The clip starts at {format_time(start)}, but the film ends at {ends}.")
    if end > max(info.duration, (final + 1) / fps) + 1 / fps:  # up to the reported length (and a frame) is fine
        raise MediaError(f"The clip ends at {format_time(end)}, but the film ends at {ends}.")
    stop = min(frame_index(end, fps), final + 1)
    if stop <= first:
        raise ValidationError("A clip must be at least one frame long; choose an end after the start.")
    args = cut_args(source, first / rate, stop / rate, target, has_audio=info.audio_codec is not None, fps=rate)
    return _run(args, target, (stop - first) / fps, on_progress, "The clip could not be cut from the film.")


def _run(args: list[str], target: Path, duration: float, on_progress: Progress | None, failure: str) -> Path:
    try:
        return run_ffmpeg(args, target, duration, on_progress)
    except MediaError as error:
        if "disk is full" in str(error):
            raise
        raise MediaError(failure) from error
    except OSError as error:
        raise MediaError(failure) from error


def title_card_png(title: str, width: int, height: int) -> bytes:
    """A calm dark-green picture of ``width`` × ``height`` with ``title`` large,
    centred and wrapped; long titles get a smaller type, an empty title a plain card."""
    if width < 16 or height < 16:
        raise ValueError("a title card must be at least 16 pixels each way")
    image = Image.new("RGB", (width, height), CARD_GREEN)
    words = " ".join(str(title or "").split())[:400]  # beyond that nothing would be legible anyway
    if words:
        draw = ImageDraw.Draw(image)
        font, lines, line_height = _fit(draw, words, int(width * 0.84), int(height * 0.7), height)
        top = (height - line_height * len(lines)) / 2
        for number, line in enumerate(lines):
            left = (width - draw.textlength(line, font=font)) / 2
            draw.text((left, top + number * line_height), line, font=font, fill=CARD_TEXT)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _fit(draw: ImageDraw.ImageDraw, words: str, max_width: int, max_height: int, height: int):
    """The largest type (from an eighth of the height down) at which ``words`` fit."""
    size = max(12, height // 8)
    while True:
        font = _font(size)
        line_height = math.ceil(size * 1.25)
        lines = _wrap(draw, words, font, max_width)
        if line_height * len(lines) <= max_height or size <= 12:
            keep = max(1, max_height // line_height)
            if len(lines) > keep:  # still too long at the smallest type: end with an ellipsis
                lines = lines[:keep]
                lines[-1] = lines[-1].rstrip(" .,;") + "…"
            return font, lines, line_height
        size = max(12, int(size * 0.85))


@functools.lru_cache(maxsize=1)
def _app_font() -> Path | None:
    """Source Sans, the typeface of the app itself, as Streamlit ships it.

    Pillow's own default typeface has no accented letters (é, ñ, ü, ł…), which
    names and titles need; Source Sans covers Latin, Greek and Cyrillic.
    """
    spec = importlib.util.find_spec("streamlit")  # found, not imported: this module stays free of Streamlit
    if spec is None or not spec.origin:
        return None
    media = Path(spec.origin).parent / "static" / "static" / "media"
    return next(iter(sorted(media.glob("SourceSansVF-Upright*.woff2"))), None)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = _app_font()
    if path is not None:
        try:
            font = ImageFont.truetype(str(path), size)
            font.set_variation_by_name("Medium")  # the variable font defaults to its thinnest weight
            return font
        except (OSError, ValueError):
            pass  # an unreadable font file: fall back to Pillow's own
    return ImageFont.load_default(size=size)


def _wrap(draw: ImageDraw.ImageDraw, words: str, font, max_width: int) -> list[str]:
    """Greedy word wrap; a word wider than a whole line is split over lines."""
    lines: list[str] = []
    for word in words.split(" "):
        pieces = []
        while len(word) > 1 and draw.textlength(word, font=font) > max_width:
            cut = next((n for n in range(len(word) - 1, 0, -1)
                        if draw.textlength(word[:n], font=font) <= max_width), 1)
            pieces.append(word[:cut])
            word = word[cut:]
        if not pieces and lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= max_width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines += [*pieces, word]
    return lines


def upright_size(info: MediaInfo) -> tuple[int, int]:
    """Width and height as the film is watched (a turned phone film swaps them), made even for x264."""
    width, height = (info.height, info.width) if info.rotation in (90, 270) else (info.width, info.height)
    return width // 2 * 2, height // 2 * 2


def film_args(clips: list[tuple[Path, MediaInfo]], cards: list[Path | None], target: Path, *,
              card_seconds: float) -> tuple[list[str], float]:
    """ffmpeg arguments joining ``clips`` (each after its card picture, if any)
    at the first clip's upright size and frame rate, and the film's expected
    length in seconds (pure)."""
    width, height = upright_size(clips[0][1])
    rate = clip_rate(clips[0][1])
    picture = (f"scale={width}:{height}:force_original_aspect_ratio=decrease:force_divisible_by=2,"
               f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps={rate},format=yuv420p,setpts=PTS-STARTPTS")
    sound = "aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,asetpts=PTS-STARTPTS"
    args, graph, segments, total, index = ["-hide_banner", "-nostdin", "-y"], [], [], 0.0, 0
    for (clip, info), card in zip(clips, cards, strict=True):
        if card is not None:
            args += ["-loop", "1", "-framerate", str(rate), "-t", ffmpeg_time(card_seconds),
                     "-i", str(Path(card).resolve())]
            graph += [f"[{index}:v]{picture}[v{index}]",
                      f"{SILENCE},atrim=duration={ffmpeg_time(card_seconds)},{sound}[a{index}]"]
            segments.append(index)
            index, total = index + 1, total + card_seconds
        args += ["-i", str(Path(clip).resolve())]
        length = ffmpeg_time(info.duration)
        heard = f"[{index}:a:0]" if info.audio_codec else f"{SILENCE},"
        graph += [f"[{index}:v:0]{picture}[v{index}]",
                  f"{heard}{sound},apad,atrim=duration={length}[a{index}]"]  # sound exactly as long as the clip
        segments.append(index)
        index, total = index + 1, total + info.duration
    pairs = "".join(f"[v{n}][a{n}]" for n in segments)
    graph.append(f"{pairs}concat=n={len(segments)}:v=1:a=1[vj][a]")
    graph.append(f"[vj]fps={rate}[v]")  # fills any gap a clip with longer sound leaves
    args += ["-filter_complex", ";".join(graph), "-map", "[v]", "-map", "[a]",
             "-fps_mode", "cfr", "-r", str(rate), *VIDEO_OUT, *AUDIO_OUT, *TAIL, str(target)]
    return args, total


def compile_film(parts: list[tuple[Path, str]], target: Path, *, title_cards: bool = True,
                 card_seconds: float = 2.0, on_progress: Progress | None = None) -> Path:
    """One MP4 of the clips ``parts`` (path, title) in order, each after a title
    card of ``card_seconds`` when ``title_cards``; progress covers the whole film."""
    if not parts:
        raise ValidationError("Choose at least one clip for the film.")
    if title_cards and not (0.5 <= card_seconds <= 30):
        raise ValidationError("A title card should show for between half a second and 30 seconds.")
    target = Path(target)
    clips = [(Path(path), probe_copy(path)) for path, _ in parts]
    width, height = upright_size(clips[0][1])
    try:
        # Card pictures live beside the film being made (the data folder), never in a shared temp folder;
        # in a vault (where they would lie plain) in the private scratch folder ffmpeg's output uses.
        private_folder(target.parent)
        root = vaulting.vault_root(target) if vaulting.key_for(target) is not None else None
        with (scratch_folder(root) if root is not None else
              tempfile.TemporaryDirectory(prefix=".cards-", dir=target.parent)) as folder:
            cards: list[Path | None] = []
            for number, (_, title) in enumerate(parts):
                card = Path(folder) / f"card-{number}.png" if title_cards else None
                if card is not None:
                    with new_private_file(card) as out:
                        out.write(title_card_png(title, max(16, width), max(16, height)))
                cards.append(card)
            args, total = film_args(clips, cards, target, card_seconds=card_seconds)
            return _run(args, target, total, on_progress, "The film could not be put together from these clips.")
    except OSError as error:
        raise MediaError("The film could not be put together; the disk may be full or not writable.") from error


def export_stills(video: Path, times: list[float], folder: Path, stem: str) -> list[Path]:
    """Save the full-size frame at each of ``times`` into ``folder`` as
    ``<stem>-01-0m05.20s.png`` …; all or nothing (a failure removes those already saved)."""
    if not stem.strip() or any(bad in stem for bad in '/\\:*?"<>|') or stem.startswith("."):
        raise ValidationError("The name for the pictures must not be empty or contain / \\ : * ? \" < > |.")
    video, folder = Path(video), Path(folder)
    info = probe_copy(video)
    fps = info.fps if info.fps > 0 else DEFAULT_FPS
    private_folder(folder)
    saved: list[Path] = []
    try:
        for number, seconds in enumerate(times, start=1):
            stamp = _file_time(format_time(seconds, fps))
            saved.append(save_still(video, seconds, folder / f"{stem}-{number:02d}-{stamp}.png", info=info))
    except BaseException:
        for path in saved:
            path.unlink(missing_ok=True)
        raise
    return saved


def _file_time(clock: str) -> str:
    """``1:05.20`` as ``1m05.20s`` (``1:02:03.04`` as ``1h02m03.04s``): no colons in file names."""
    parts = clock.split(":")
    return "".join(part + unit for part, unit in zip(parts, "hms"[3 - len(parts):]))
