"""Test doubles for services moodseq talks to (a loopback fake of Spotify)."""
