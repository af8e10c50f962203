"""The HTTP side: who may connect, and the media route with its tokens."""
