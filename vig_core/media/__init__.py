"""Media work for recordings: probe what a file is, plan how to make it
playable in a browser, and run the bundled ffmpeg with progress. No Streamlit."""
