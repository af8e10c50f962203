"""Small test films made with the bundled ffmpeg (never committed).

Each maker writes a 2-second film of one real-world kind; broken kinds are
made from them. Sizes are tiny so the whole set builds in a few seconds.
"""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

from vig_core.media.ffmpeg import ffmpeg_exe

SECONDS = 2
PICTURE = f"testsrc2=size=320x240:rate=30:duration={SECONDS}"
SOUND = f"sine=frequency=440:duration={SECONDS}"


def ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args], check=True)


def lavfi(audio: bool = True) -> list[str]:
    return ["-f", "lavfi", "-i", PICTURE] + (["-f", "lavfi", "-i", SOUND] if audio else [])


def make(kind: str, folder: Path) -> Path:
    """Write the test film ``kind`` into ``folder`` (once) and return its path."""
    makers = {
        "h264_aac.mp4": lambda p: ffmpeg(*lavfi(), "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac",
                                         "-movflags", "+faststart", "-shortest", str(p)),
        "moov_at_end.mp4": lambda p: ffmpeg(*lavfi(), "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac",
                                            "-shortest", str(p)),
        "phone hevc rotated é.mov": _phone_hevc,
        "vp9_opus.webm": lambda p: ffmpeg(*lavfi(), "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8",
                                          "-c:a", "libopus", "-shortest", str(p)),
        "no_audio.mp4": lambda p: ffmpeg(*lavfi(audio=False), "-c:v", "libx264", "-pix_fmt", "yuv420p", str(p)),
        "mjpeg.avi": lambda p: ffmpeg(*lavfi(), "-c:v", "mjpeg", "-q:v", "5", "-c:a", "pcm_s16le", "-shortest",
                                      str(p)),
        # Phones drop frames when busy: timestamps with gaps (variable frame rate).
        "vfr.mp4": lambda p: ffmpeg(*lavfi(), "-vf", r"select=lt(n\,20)+not(mod(n\,3))", "-fps_mode", "vfr",
                                    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(p)),
        "very_short.mp4": lambda p: ffmpeg(*lavfi(), "-t", "0.2", "-c:v", "libx264", "-pix_fmt", "yuv420p",
                                           "-c:a", "aac", str(p)),
        "audio_only.m4a": lambda p: ffmpeg("-f", "lavfi", "-i", SOUND, "-c:a", "aac", str(p)),
        "empty.mp4": lambda p: p.write_bytes(b""),
        # Seeded: some random bytes happen to parse as an MP3 frame, which made this flaky.
        "random.mp4": lambda p: p.write_bytes(random.Random(0).randbytes(64_000)),
        "notes.mov": lambda p: p.write_text("This is a text file, not a film.\n" * 50),
        "truncated.mp4": _truncated,
    }
    path = folder / kind
    if not path.exists():
        makers[kind](path)
    return path


def _phone_hevc(path: Path) -> None:
    """HEVC in a .mov, turned 90° by display-matrix metadata, as phones record."""
    plain = path.with_name("plain-hevc.mov")
    ffmpeg(*lavfi(), "-c:v", "libx265", "-x265-params", "log-level=error", "-tag:v", "hvc1", "-c:a", "aac",
           "-shortest", str(plain))
    ffmpeg("-display_rotation", "90", "-i", str(plain), "-c", "copy", str(path))
    plain.unlink()


def _truncated(path: Path) -> None:
    """A film cut off half-way while copying: with the index at the end, it is gone."""
    whole = make("moov_at_end.mp4", path.parent).read_bytes()
    path.write_bytes(whole[: len(whole) // 2])


PLAYABLE = ["h264_aac.mp4", "moov_at_end.mp4", "phone hevc rotated é.mov", "vp9_opus.webm", "no_audio.mp4",
            "mjpeg.avi"]
UNUSUAL = ["vfr.mp4", "very_short.mp4"]  # playable, but not the standard 2 s at 30 fps
BROKEN = ["audio_only.m4a", "empty.mp4", "random.mp4", "notes.mov", "truncated.mp4"]
