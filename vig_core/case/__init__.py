"""The case and the rules of the method: pure (no disk, no ffmpeg, no Streamlit)."""
