"""Importers: user files → validated :class:`~sequencer.adapters.importers.records.ImportRecord`.

- :mod:`.tabular`: CSV/TSV/JSON (gzip accepted), column detection (:mod:`.columns`), the
  Exportify dialect (:mod:`.exportify`), decoding (:mod:`.source`), row validation (:mod:`.values`);
- :mod:`.audio_tags`: local audio files' tags (mutagen);
- :mod:`.hand_tags`: a file of hand-made mood tags;
- :mod:`.writer`: identity matching and batched writes, used by the store.
"""
