"""Run a real Subsonic server (supysonic, from PyPI) on 127.0.0.1 for the sink tests.

``python supysonic_server.py WORKDIR MUSIC_DIR`` makes a SQLite store in WORKDIR, adds the user
``moodseq`` (password ``sesame``), scans MUSIC_DIR, then serves the Subsonic API on a free
loopback port and prints ``READY <port>`` on stdout.  It runs until it is killed.  A separate
process, so supysonic's own warnings and globals never mix with the test process.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any, ClassVar

USER = "moodseq"
PASSWORD = "sesame"


def main(workdir: Path, music: Path) -> None:
    warnings.simplefilter("ignore")
    from supysonic.config import DefaultConfig

    class Config(DefaultConfig):  # type: ignore[misc]  # why: supysonic ships no type hints
        BASE: ClassVar[dict[str, Any]] = {**DefaultConfig.BASE, "database_uri": f"sqlite:///{workdir / 'db.sqlite'}"}
        WEBAPP: ClassVar[dict[str, Any]] = {**DefaultConfig.WEBAPP, "cache_dir": str(workdir / "cache")}
        DAEMON: ClassVar[dict[str, Any]] = {**DefaultConfig.DAEMON, "socket": str(workdir / "daemon.sock")}

    from supysonic.db import close_connection, init_database, open_connection
    from supysonic.managers.folder import FolderManager
    from supysonic.managers.user import UserManager
    from supysonic.scanner import Scanner

    init_database(Config.BASE["database_uri"])
    open_connection(True)
    UserManager.add(USER, PASSWORD, admin=True)
    FolderManager.add("music", str(music))
    scanner = Scanner()
    scanner.queue_folder("music")
    scanner.run()
    close_connection()

    from supysonic.web import create_application
    from werkzeug.serving import make_server

    Config.WEBAPP["mount_webui"] = False
    Config.DAEMON["run_watcher"] = False
    app = create_application(Config())
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(f"READY {server.server_port} {scanner.scanned}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
