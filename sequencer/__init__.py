"""moodseq: playlists that flow, for a listening context.  Imports nothing heavy."""

__version__ = "0.1.0"
