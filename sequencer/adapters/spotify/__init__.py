"""The Spotify edge: login, import, resolve and push, over spotipy with our own retry policy.

Modules: :mod:`.settings` (what the environment says), :mod:`.tokens` (the 0600 token cache),
:mod:`.auth` (PKCE login on a loopback redirect), :mod:`.client` (the one place that builds
``spotipy.Spotify``, and the retry policy), :mod:`.errors` (Spotify failures → moodseq errors),
:mod:`.importer`, :mod:`.resolve`, :mod:`.push`.  Nothing here is imported by ``moodseq --help``.
"""
