"""A full disk during an upload (issue 16, faults): a clear 507 error, no partial file and no
half-made resource left behind. The file size limit (RLIMIT_FSIZE) of a separate process
stands in for the full disk."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from domstadt.catalog import service
from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import Settings
from domstadt.core.db import Database
from tests.catalog.conftest import make_dataset

UPLOAD = """
import resource, signal, sys
from pathlib import Path
from domstadt.catalog import distribution_service
from domstadt.catalog.schemas import DistributionCreate
from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.core.errors import DomainError

url, data_dir = sys.argv[1], Path(sys.argv[2])
rows = b"".join(f"Teil {i};{i}\\n".encode() for i in range(300_000))
db = Database(url)
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes fail with EFBIG instead of killing us
resource.setrlimit(resource.RLIMIT_FSIZE, (2_000_000, 2_000_000))
try:
    with db.session() as session:
        distribution_service.distribution_create(
            session, actor=system_actor("tests"), dataset="ladesaeulen",
            data=DistributionCreate(title="gross.csv"), data_dir=data_dir,
            upload=("gross.csv", b"Stadtteil;Anzahl\\n" + rows),
        )
except DomainError as exc:
    print(exc.status_code, exc.message)
    sys.exit(3)
finally:
    db.dispose()
"""


def test_a_full_disk_during_an_upload_leaves_nothing_behind(
    db: Database, departments: None, settings: Settings
) -> None:
    make_dataset(db, name="ladesaeulen", title="Ladesäulen")
    result = subprocess.run(
        [sys.executable, "-c", UPLOAD, db.url, str(settings.data_dir)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 3, result.stderr
    assert result.stdout.startswith("507 Der Speicherplatz des Servers reicht")
    files = settings.data_dir / "catalog" / "files"
    assert not files.exists() or not any(p.is_file() for p in Path(files).rglob("*"))
    with db.session() as session:
        shown = service.dataset_get(session, actor=system_actor("tests"), id_or_name="ladesaeulen")
    assert shown.distributions == []
