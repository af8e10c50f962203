"""Streamlit widgets shared by several pages (the only part of vig_core that imports Streamlit)."""
