"""The library store: the one package that owns every SQL statement.

- :mod:`~sequencer.adapters.library.store` — :class:`Store`, connections and ``transaction()``;
- :mod:`~sequencer.adapters.library.migrations` — recorded schema migrations, backup first;
- :mod:`~sequencer.adapters.library.rows` — rows ↔ Track, source precedence, id lookups;
- :mod:`~sequencer.adapters.library.import_writer` — planning and writing import batches;
- :mod:`~sequencer.adapters.library.imports` — batched, resumable imports;
- :mod:`~sequencer.adapters.library.moods`, ``tags``, ``features``, ``queries``, ``stats``,
  ``spotify_links`` — one concern each;
- :mod:`~sequencer.adapters.library.ops` — hand tagging by name;
- :mod:`~sequencer.adapters.library.build_input` — which tracks a build starts from.

Nothing outside this package runs SQL (``tests/test_architecture.py`` checks it).
"""
