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
CREATED_UTC = "2026-03-20T12:00:00Z"  # the same day in every time zone within 11 hours of UTC
APPLE_UTC, APPLE_LOCAL = "2026-03-20T23:30:00Z", "2026-03-21T00:30:00+0100"


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
        "hevc_pcm.mov": lambda p: ffmpeg(*lavfi(), "-c:v", "libx265", "-x265-params", "log-level=error",
                                         "-tag:v", "hvc1", "-c:a", "pcm_s16le", "-shortest", str(p)),
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
        # Still pictures: renamed to a film's type, a single frame, a cover picture, a stream without frames.
        "png picture.mp4": lambda p: _picture("png", p),
        "jpeg picture.mov": lambda p: _picture("mjpeg", p),
        "gif picture.mp4": lambda p: _picture("gif", p),
        "webp picture.mov": lambda p: _picture("libwebp", p),
        "one_frame.mp4": lambda p: ffmpeg(*lavfi(), "-vf", "trim=end_frame=1", "-c:v", "libx264", "-pix_fmt", "yuv420p",
                                          "-c:a", "aac", str(p)),  # and 2 s of sound
        "cover_picture.mp4": _cover_picture,
        "cover then film.mkv": _cover_then_film,
        "no_frames.mkv": lambda p: ffmpeg(*lavfi(), "-vf", "select=0", "-c:v", "libx264", "-pix_fmt", "yuv420p",
                                          "-c:a", "aac", str(p)),
        # When it was filmed: a phone's UTC creation time, and Apple's local one beside it (a day later there).
        "dated.mp4": lambda p: ffmpeg(*lavfi(), "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
                                      "-metadata", f"creation_time={CREATED_UTC}", str(p)),
        "dated apple.mov": lambda p: ffmpeg(*lavfi(), "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac",
                                            "-shortest", "-movflags", "use_metadata_tags",
                                            "-metadata", f"creation_time={APPLE_UTC}",
                                            "-metadata", f"com.apple.quicktime.creationdate={APPLE_LOCAL}", str(p)),
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


def _picture(codec: str, path: Path) -> None:
    """One picture in an image format, under a film's name (the type is found from the content)."""
    ffmpeg("-f", "lavfi", "-i", PICTURE, "-frames:v", "1", "-c:v", codec,
           "-f", "gif" if codec == "gif" else "image2pipe", str(path))


def _cover_picture(path: Path) -> None:
    """A song with its cover picture (an "attached picture" stream): a video stream, but no film."""
    picture = path.with_name("cover.png")
    _picture("png", picture)
    ffmpeg("-f", "lavfi", "-i", SOUND, "-i", str(picture), "-map", "0", "-map", "1", "-c:a", "aac", "-c:v", "png",
           "-disposition:v", "attached_pic", "-f", "mp4", str(path))
    picture.unlink()


def _cover_then_film(path: Path) -> None:
    """A film whose first video stream is a cover picture (some editing apps add one)."""
    picture, film = path.with_name("cover.png"), make("h264_aac.mp4", path.parent)
    _picture("png", picture)
    ffmpeg("-i", str(picture), "-i", str(film), "-map", "0", "-map", "1", "-c", "copy",
           "-disposition:v:0", "attached_pic", "-disposition:v:1", "default", str(path))
    picture.unlink()


def _truncated(path: Path) -> None:
    """A film cut off half-way while copying: with the index at the end, it is gone."""
    whole = make("moov_at_end.mp4", path.parent).read_bytes()
    path.write_bytes(whole[: len(whole) // 2])


PLAYABLE = ["h264_aac.mp4", "moov_at_end.mp4", "phone hevc rotated é.mov", "vp9_opus.webm", "no_audio.mp4",
            "mjpeg.avi"]
UNUSUAL = ["vfr.mp4", "very_short.mp4"]  # playable, but not the standard 2 s at 30 fps
BROKEN = ["audio_only.m4a", "empty.mp4", "random.mp4", "notes.mov", "truncated.mp4"]
STILL = ["png picture.mp4", "jpeg picture.mov", "gif picture.mp4", "webp picture.mov", "one_frame.mp4",
         "cover_picture.mp4", "no_frames.mkv"]  # no moving picture
