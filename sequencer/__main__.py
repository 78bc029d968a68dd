"""``python -m sequencer`` runs the moodseq CLI."""

from sequencer.cli.main import main

if __name__ == "__main__":
    main()
