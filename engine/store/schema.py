"""Schema migrations, keyed by ``PRAGMA user_version``.

``MIGRATIONS[n - 1]`` takes a database from version ``n - 1`` to ``n``.  A new
release only ever appends a step; a step already shipped is never edited,
because databases out in the field have run it.  Each step runs in its own
transaction together with the ``user_version`` bump, so a crash mid-migration
leaves the previous version intact.  A database whose version is higher than
``len(MIGRATIONS)`` was written by a newer tillsync and is refused rather
than guessed at.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.store.database import Database
from engine.store.errors import SchemaVersionError

__all__ = ["LATEST_VERSION", "MIGRATIONS", "Migration", "migrate", "schema_version"]


@dataclass(frozen=True)
class Migration:
    """``rebuilds_tables``: the step copies a table into a new one and drops the old
    (SQLite cannot change a CHECK in place); foreign keys are off meanwhile so the
    drop does not cascade into the children, and checked before the commit."""

    description: str
    statements: tuple[str, ...]
    rebuilds_tables: bool = False


_STATE_TABLES = Migration(
    "meta, settings, mappings, cursors, links, skipped items, schedule state",
    (
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        # Part of the default idempotency key: two tillsync installs feeding one
        # back office must never produce the same key for their own order #123.
        "INSERT INTO meta (key, value) VALUES ('install_id', lower(hex(randomblob(6))))",
        """CREATE TABLE settings (
            connection TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
            updated_at TEXT NOT NULL, PRIMARY KEY (connection, key))""",
        """CREATE TABLE mappings (
            connection TEXT NOT NULL, kind TEXT NOT NULL, source TEXT NOT NULL,
            target TEXT NOT NULL, updated_at TEXT NOT NULL,
            PRIMARY KEY (connection, kind, source))""",
        """CREATE TABLE cursors (
            connection TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
            updated_at TEXT NOT NULL, PRIMARY KEY (connection, name))""",
        """CREATE TABLE links (
            id INTEGER PRIMARY KEY, connection TEXT NOT NULL, kind TEXT NOT NULL,
            backoffice_id TEXT NOT NULL, woo_id INTEGER NOT NULL, sku TEXT, hash TEXT,
            updated_at TEXT NOT NULL,
            UNIQUE (connection, kind, backoffice_id), UNIQUE (connection, kind, woo_id))""",
        "CREATE INDEX links_by_sku ON links (connection, sku)",
        """CREATE TABLE skipped (
            connection TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL,
            reason TEXT NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (connection, kind, key))""",
        """CREATE TABLE schedule (
            connection TEXT NOT NULL, job TEXT NOT NULL, next_fire_at TEXT,
            last_fire_at TEXT, updated_at TEXT NOT NULL, PRIMARY KEY (connection, job))""",
    ),
)

_OUTBOX_TABLES = Migration(
    "order outbox, its lines (pending stock) and its state history",
    (
        """CREATE TABLE outbox (
            connection TEXT NOT NULL, woo_order_id INTEGER NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('waiting', 'in_flight', 'held', 'failed',
                'done', 'voiding', 'voided', 'skipped')),
            source TEXT NOT NULL CHECK (source IN ('webhook', 'poll')),
            modified_gmt TEXT NOT NULL, claimed_modified_gmt TEXT, payload TEXT NOT NULL,
            idempotency_key TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT, last_error_kind TEXT, last_error TEXT, hint TEXT,
            last_request TEXT, last_response TEXT, backoffice_ref TEXT, void_ref TEXT,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
            PRIMARY KEY (connection, woo_order_id))""",
        "CREATE INDEX outbox_by_state ON outbox (connection, state, next_attempt_at)",
        "CREATE UNIQUE INDEX outbox_by_key ON outbox (idempotency_key)",
        """CREATE TABLE outbox_lines (
            connection TEXT NOT NULL, woo_order_id INTEGER NOT NULL, line_no INTEGER NOT NULL,
            sku TEXT NOT NULL, quantity TEXT NOT NULL,
            PRIMARY KEY (connection, woo_order_id, line_no),
            FOREIGN KEY (connection, woo_order_id) REFERENCES outbox (connection, woo_order_id)
                ON DELETE CASCADE)""",
        """CREATE TABLE outbox_history (
            id INTEGER PRIMARY KEY, connection TEXT NOT NULL, woo_order_id INTEGER NOT NULL,
            at TEXT NOT NULL, from_state TEXT, to_state TEXT NOT NULL, detail TEXT NOT NULL,
            FOREIGN KEY (connection, woo_order_id) REFERENCES outbox (connection, woo_order_id)
                ON DELETE CASCADE)""",
        "CREATE INDEX outbox_history_by_order ON outbox_history (connection, woo_order_id, id)",
    ),
)

_RUNS_AND_EVENTS = Migration(
    "job runs and the structured event log",
    (
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY, job TEXT NOT NULL, connection TEXT NOT NULL,
            full INTEGER NOT NULL, dry_run INTEGER NOT NULL, started_at TEXT NOT NULL,
            finished_at TEXT, ok INTEGER, read INTEGER NOT NULL DEFAULT 0,
            written INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0,
            skipped INTEGER NOT NULL DEFAULT 0, requests INTEGER NOT NULL DEFAULT 0,
            error TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX runs_by_job ON runs (connection, job, id)",
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY, at TEXT NOT NULL, level TEXT NOT NULL,
            level_no INTEGER NOT NULL, type TEXT NOT NULL, job TEXT NOT NULL,
            connection TEXT NOT NULL, entity TEXT NOT NULL, message TEXT NOT NULL,
            data TEXT NOT NULL)""",
        "CREATE INDEX events_by_job ON events (job, id)",
    ),
)

# Keys now derive from the store (engine.order_keys).  A database that
# already holds orders remembers the install id its keys were made from, and
# when that was, so a look-up can try the old key format for older orders.
_STORE_DERIVED_KEYS = Migration(
    "idempotency keys from the store: remember the install id older keys used",
    (
        "INSERT INTO meta (key, value) SELECT 'legacy_install_id', value FROM meta"
        " WHERE key = 'install_id' AND EXISTS (SELECT 1 FROM outbox)",
        "INSERT INTO meta (key, value) SELECT 'legacy_keys_until',"
        " strftime('%Y-%m-%dT%H:%M:%f000+00:00', 'now')"
        " WHERE EXISTS (SELECT 1 FROM outbox)",
    ),
)

# Write-back debts used to be "skipped items" of kind order_writeback, where the
# products screen's "clear skip" deleted them.  They move to a table of their own
# that also knows when to try again and which ones WooCommerce refused for good.
_WRITEBACK_DEBTS = Migration(
    "receipt write-back debts in their own table (owed / dead), out of skipped items",
    (
        """CREATE TABLE writebacks (
            connection TEXT NOT NULL, woo_order_id INTEGER NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('owed', 'dead')),
            attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT,
            last_error TEXT NOT NULL DEFAULT '', hint TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
            PRIMARY KEY (connection, woo_order_id))""",
        "INSERT OR IGNORE INTO writebacks (connection, woo_order_id, state, created_at,"
        " updated_at) SELECT connection, CAST(key AS INTEGER), 'owed', first_seen, last_seen"
        " FROM skipped WHERE kind = 'order_writeback'",
        "DELETE FROM skipped WHERE kind = 'order_writeback'",
        "CREATE INDEX events_by_age ON events (at)",
    ),
)

_OUTBOX_COLUMNS = (
    "connection, woo_order_id, state, source, modified_gmt, claimed_modified_gmt, payload,"
    " idempotency_key, attempts, next_attempt_at, last_error_kind, last_error, hint,"
    " last_request, last_response, backoffice_ref, void_ref, created_at, updated_at"
)

# A back office that answers a write with "accepted, confirmed later" (202 and a
# request id, or "queued") leaves the order 'confirming': pending_ref is what it
# answered, confirm_by the deadline after which the order is a dead letter.
_CONFIRMING_STATE = Migration(
    "outbox state 'confirming' (accepted, not yet confirmed) with its reference and deadline",
    (
        """CREATE TABLE outbox_v6 (
            connection TEXT NOT NULL, woo_order_id INTEGER NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('waiting', 'in_flight', 'held', 'failed',
                'done', 'voiding', 'voided', 'skipped', 'confirming')),
            source TEXT NOT NULL CHECK (source IN ('webhook', 'poll')),
            modified_gmt TEXT NOT NULL, claimed_modified_gmt TEXT, payload TEXT NOT NULL,
            idempotency_key TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT, last_error_kind TEXT, last_error TEXT, hint TEXT,
            last_request TEXT, last_response TEXT, backoffice_ref TEXT, void_ref TEXT,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
            pending_ref TEXT, confirm_by TEXT,
            PRIMARY KEY (connection, woo_order_id))""",
        f"INSERT INTO outbox_v6 ({_OUTBOX_COLUMNS}) SELECT {_OUTBOX_COLUMNS} FROM outbox",
        "DROP TABLE outbox",
        "ALTER TABLE outbox_v6 RENAME TO outbox",
        "CREATE INDEX outbox_by_state ON outbox (connection, state, next_attempt_at)",
        "CREATE UNIQUE INDEX outbox_by_key ON outbox (idempotency_key)",
        "CREATE INDEX outbox_by_pending_ref ON outbox (connection, pending_ref)",
    ),
    rebuilds_tables=True,
)

# The console names a linked product (the name tillsync last wrote or linked) and
# marks one the back office no longer has (found by an order's line check).
_LINK_NAMES = Migration(
    "links remember the product's name and when the back office was found without it",
    ("ALTER TABLE links ADD COLUMN name TEXT", "ALTER TABLE links ADD COLUMN gone_at TEXT"),
)

# A held order keeps why as data (its kind and what it misses), not only as an
# English sentence the dashboard would have to parse back (issue 15); rows held
# before keep their kind, read once from the sentence's prefix.
_HOLD_KINDS = Migration(
    "held orders keep their hold kind and missing mappings as columns",
    (
        "ALTER TABLE outbox ADD COLUMN hold_kind TEXT",
        "ALTER TABLE outbox ADD COLUMN hold_missing TEXT",
        """UPDATE outbox SET hold_kind = CASE
            WHEN last_error LIKE 'needs mapping:%' THEN 'needs mapping'
            WHEN last_error LIKE 'totals differ:%' THEN 'totals differ'
            WHEN last_error LIKE 'not ready:%' THEN 'not ready'
            WHEN last_error LIKE 'unusable order data:%' THEN 'unusable order data'
            END WHERE state = 'held'""",
    ),
)

MIGRATIONS: tuple[Migration, ...] = (
    _STATE_TABLES,
    _OUTBOX_TABLES,
    _RUNS_AND_EVENTS,
    _STORE_DERIVED_KEYS,
    _WRITEBACK_DEBTS,
    _CONFIRMING_STATE,
    _LINK_NAMES,
    _HOLD_KINDS,
)
LATEST_VERSION = len(MIGRATIONS)


async def schema_version(db: Database) -> int:
    return int(await db.fetch_value("PRAGMA user_version"))


async def migrate(db: Database, *, target: int = LATEST_VERSION) -> int:
    """Bring ``db`` up to ``target`` one step per transaction; returns the version reached."""
    current = await schema_version(db)
    if current > LATEST_VERSION:
        raise SchemaVersionError(
            f"state database {db.path} has schema version {current}, but this tillsync "
            f"only knows versions up to {LATEST_VERSION}",
            hint="It was written by a newer tillsync: upgrade tillsync, or point the config "
            "at another state file. The file was left untouched.",
        )
    for version in range(current + 1, target + 1):
        step = MIGRATIONS[version - 1]
        if step.rebuilds_tables:  # a no-op inside a transaction: set before BEGIN
            await db.fetch_all("PRAGMA foreign_keys = OFF")
        try:
            await _apply(db, version, step)
        finally:
            if step.rebuilds_tables:
                await db.fetch_all("PRAGMA foreign_keys = ON")
    return max(current, target)


async def _apply(db: Database, version: int, step: Migration) -> None:
    async with db.transaction():
        # Re-read under the write lock: another process may have migrated meanwhile.
        if await schema_version(db) >= version:
            return
        for statement in step.statements:
            await db.execute(statement)
        if step.rebuilds_tables and await db.fetch_all("PRAGMA foreign_key_check"):
            raise SchemaVersionError(
                f"state database {db.path}: migration {version} would orphan rows",
                hint="The file was left untouched; report this with a copy of the database.",
            )
        await db.execute(f"PRAGMA user_version = {version}")
