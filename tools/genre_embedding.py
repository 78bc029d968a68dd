"""Recompute the shipped genre embedding (sequencer/data/genre_space.npz) after editing
sequencer/data/genre_links.toml or genre_tree.json:

    python tools/genre_embedding.py
"""

from sequencer.adapters.genre_data import save_embedding

if __name__ == "__main__":
    print(save_embedding())
