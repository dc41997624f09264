"""The schema as data: named migrations applied in order, each once, on either backend.

Times are unix seconds (UTC) with the original offset kept beside them, so a
report in any time zone can be cut from the same rows.

Migrations are written once, in SQLite's spelling of standard SQL (INTEGER,
TEXT, REAL, BLOB, ``INTEGER PRIMARY KEY`` for a generated id); ``for_postgres``
translates them: every INTEGER becomes BIGINT (times and PR numbers outgrow 32
bits), BLOB becomes BYTEA, REAL DOUBLE PRECISION, TEXT compares by code point
(COLLATE "C", as SQLite does, so both backends sort alike), and an
``INTEGER PRIMARY KEY`` an identity column. Use ``ON CONFLICT`` rather than
``INSERT OR ...`` and no SQLite-only functions.
"""

from __future__ import annotations

import re

MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_initial",
        """
        CREATE TABLE repositories (
            id INTEGER PRIMARY KEY,
            slug TEXT NOT NULL UNIQUE,          -- owner/name, from the remote when known
            path TEXT NOT NULL,                 -- the local clone it was last synced from
            remote_url TEXT,
            default_branch TEXT,
            created_at INTEGER NOT NULL
        );

        CREATE TABLE people (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            email TEXT NOT NULL,
            UNIQUE (name, email)
        );

        CREATE TABLE commits (
            repo_id INTEGER NOT NULL REFERENCES repositories(id),
            sha TEXT NOT NULL,
            parents TEXT NOT NULL,              -- space-separated
            author_id INTEGER NOT NULL REFERENCES people(id),         -- after .mailmap
            author_name TEXT NOT NULL,          -- as recorded
            author_email TEXT NOT NULL,
            authored_at INTEGER NOT NULL,
            author_tz INTEGER NOT NULL,         -- minutes east of UTC
            committer_name TEXT NOT NULL,
            committer_email TEXT NOT NULL,
            committed_at INTEGER NOT NULL,
            committer_tz INTEGER NOT NULL,
            subject TEXT NOT NULL,
            message TEXT NOT NULL,
            message_raw BLOB,                   -- original bytes when not valid UTF-8
            pr_number INTEGER,                  -- NULL: a direct push
            reverts_sha TEXT,                   -- "This reverts commit <sha>."
            files_changed INTEGER NOT NULL,
            additions INTEGER NOT NULL,
            deletions INTEGER NOT NULL,
            PRIMARY KEY (repo_id, sha)
        );
        CREATE INDEX commits_pr ON commits (repo_id, pr_number);
        CREATE INDEX commits_time ON commits (repo_id, committed_at);

        CREATE TABLE branch_commits (
            repo_id INTEGER NOT NULL,
            branch TEXT NOT NULL,
            seq INTEGER NOT NULL,               -- position on the first-parent chain, oldest = 1
            sha TEXT NOT NULL,
            PRIMARY KEY (repo_id, branch, seq)
        );
        CREATE INDEX branch_commits_sha ON branch_commits (repo_id, sha);

        CREATE TABLE file_changes (
            repo_id INTEGER NOT NULL,
            sha TEXT NOT NULL,
            idx INTEGER NOT NULL,               -- order within the commit
            path TEXT NOT NULL,
            old_path TEXT,
            status TEXT NOT NULL,
            additions INTEGER,                  -- NULL for binary files
            deletions INTEGER,
            path_raw BLOB,                      -- original bytes when not valid UTF-8
            PRIMARY KEY (repo_id, sha, idx)
        );

        CREATE TABLE trailers (
            repo_id INTEGER NOT NULL,
            sha TEXT NOT NULL,
            idx INTEGER NOT NULL,
            key TEXT NOT NULL,                  -- co-authored-by, signed-off-by, ...
            name TEXT NOT NULL,
            email TEXT NOT NULL,
            PRIMARY KEY (repo_id, sha, idx)
        );

        CREATE TABLE pull_requests (
            repo_id INTEGER NOT NULL,
            number INTEGER NOT NULL,
            title TEXT NOT NULL,
            author_name TEXT NOT NULL,
            author_email TEXT NOT NULL,
            merged_at INTEGER NOT NULL,
            merged_tz INTEGER NOT NULL,
            merge_sha TEXT NOT NULL,            -- the commit that landed it on the branch
            merge_kind TEXT NOT NULL,           -- squash, merge or rebase
            head_ref TEXT,                      -- owner/branch of a merge commit
            reverts_sha TEXT,                   -- "This reverts commit <sha>."
            reverts_pr INTEGER,
            source TEXT NOT NULL,               -- git or github
            PRIMARY KEY (repo_id, number)
        );
        CREATE INDEX pull_requests_time ON pull_requests (repo_id, merged_at);

        CREATE TABLE sync_cursors (
            repo_id INTEGER NOT NULL,
            branch TEXT NOT NULL,
            head_sha TEXT NOT NULL,
            seq INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (repo_id, branch)
        );
        """,
    ),
    (
        # names, e-mails and renamed-from paths that are not valid UTF-8 keep their bytes too
        "0002_raw_identities",
        """
        ALTER TABLE commits ADD COLUMN author_raw BLOB;      -- b"name <email>" as recorded, when not UTF-8
        ALTER TABLE commits ADD COLUMN committer_raw BLOB;
        ALTER TABLE file_changes ADD COLUMN old_path_raw BLOB;
        """,
    ),
    (
        # a revert that quotes only the reverted PR's title finds it by title (exact or a prefix)
        "0003_pull_requests_title",
        """
        CREATE INDEX pull_requests_title ON pull_requests (repo_id, title);
        """,
    ),
    (
        # every merge workflow: a PR's base branch; one commit may land several PRs (bors-ng), so a
        # PR's files are read by its merge_sha; PRs merged on another branch (stable, release-x.y)
        # that the synced branch merged in are stored with that branch's commits in side_commits;
        # commits whose dates, zones or PR numbers could not be read are stored flagged; a
        # repository's identity (its forge URL, else its root commit and path) tells apart two
        # repositories that would share one slug
        "0004_pr_workflows",
        """
        ALTER TABLE pull_requests ADD COLUMN base_branch TEXT;
        ALTER TABLE commits ADD COLUMN flags TEXT;
        ALTER TABLE repositories ADD COLUMN identity TEXT;
        CREATE INDEX pull_requests_merge_sha ON pull_requests (repo_id, merge_sha);
        CREATE INDEX repositories_identity ON repositories (identity);
        CREATE TABLE side_commits (
            repo_id INTEGER NOT NULL,
            branch TEXT NOT NULL,           -- the synced branch
            seq INTEGER NOT NULL,           -- the branch_commits seq of the merge that brought it in
            sha TEXT NOT NULL,              -- a commit on the merged branch's first-parent chain
            PRIMARY KEY (repo_id, branch, sha)
        );
        CREATE INDEX side_commits_seq ON side_commits (repo_id, branch, seq);
        """,
    ),
    (
        # each repository's own prhub.toml, kept at sync time so serve and site use it without the clone
        "0005_repository_settings",
        """
        CREATE TABLE repository_settings (
            repo_id INTEGER PRIMARY KEY,
            toml TEXT NOT NULL,                 -- the file's text as it was at the last sync
            origin TEXT NOT NULL,               -- where it was read (the file's path)
            updated_at INTEGER NOT NULL
        );
        """,
    ),
    (
        # the per-repository theme registry: every theme a report chose, with the names of the
        # earliest period that chose it, so a learned theme keeps its name week over week
        "0006_theme_registry",
        """
        CREATE TABLE theme_registry (
            repo_id INTEGER NOT NULL,
            key TEXT NOT NULL,                  -- stable id: a rule's key, w-<word>, deps
            name_en TEXT NOT NULL,
            name_zh TEXT NOT NULL,
            source TEXT NOT NULL,               -- rule | title | word | area | deps | dynamic
            topic INTEGER NOT NULL,             -- 1: an area or a line of work, 0: a kind of change
            first_start BIGINT NOT NULL,        -- start (unix seconds) of the earliest period that chose it
            last_start BIGINT NOT NULL,         -- start of the latest
            PRIMARY KEY (repo_id, key)
        );
        """,
    ),
    (
        # what GitHub knows and git does not: one row per merged PR, joined to git by number and merge oid
        "0007_github",
        """
        CREATE TABLE github_pull_requests (
            repo_id INTEGER NOT NULL,
            number INTEGER NOT NULL,
            node_id TEXT NOT NULL,
            title TEXT NOT NULL,
            body TEXT NOT NULL,                 -- Markdown, as written
            url TEXT,
            author_login TEXT NOT NULL,
            author_name TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,        -- the incremental cursor follows this
            merged_at INTEGER,
            closed_at INTEGER,
            merged_by TEXT,
            base_ref TEXT NOT NULL,
            head_ref TEXT NOT NULL,
            additions INTEGER NOT NULL,
            deletions INTEGER NOT NULL,
            changed_files INTEGER NOT NULL,
            merge_oid TEXT,                     -- the commit that landed it: the join to git
            reviews_total INTEGER NOT NULL,
            threads_total INTEGER NOT NULL,
            threads_complete INTEGER NOT NULL,  -- 1 when every thread and comment is stored
            issue_comments INTEGER NOT NULL,
            milestone TEXT,
            git_check TEXT,                     -- same, differs, other-commit or no-commit (against git)
            PRIMARY KEY (repo_id, number)
        );
        CREATE INDEX github_pull_requests_oid ON github_pull_requests (repo_id, merge_oid);

        CREATE TABLE github_labels (
            repo_id INTEGER NOT NULL,
            number INTEGER NOT NULL,
            idx INTEGER NOT NULL,
            name TEXT NOT NULL,
            PRIMARY KEY (repo_id, number, idx)
        );

        CREATE TABLE github_reviews (
            repo_id INTEGER NOT NULL,
            number INTEGER NOT NULL,
            idx INTEGER NOT NULL,
            review_id TEXT NOT NULL,
            author TEXT NOT NULL,
            state TEXT NOT NULL,                -- APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED
            submitted_at INTEGER,
            body TEXT NOT NULL,
            url TEXT,
            PRIMARY KEY (repo_id, number, idx)
        );

        CREATE TABLE github_review_threads (
            repo_id INTEGER NOT NULL,
            number INTEGER NOT NULL,
            idx INTEGER NOT NULL,
            thread_id TEXT NOT NULL,
            path TEXT NOT NULL,
            line INTEGER,
            resolved INTEGER NOT NULL,
            outdated INTEGER NOT NULL,
            comments_total INTEGER NOT NULL,
            PRIMARY KEY (repo_id, number, idx)
        );

        CREATE TABLE github_review_comments (
            repo_id INTEGER NOT NULL,
            number INTEGER NOT NULL,
            thread_idx INTEGER NOT NULL,
            idx INTEGER NOT NULL,
            author TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            url TEXT,
            PRIMARY KEY (repo_id, number, thread_idx, idx)
        );

        CREATE TABLE github_linked_issues (
            repo_id INTEGER NOT NULL,
            number INTEGER NOT NULL,
            idx INTEGER NOT NULL,
            issue_number INTEGER NOT NULL,
            issue_repo TEXT NOT NULL,
            title TEXT NOT NULL,
            url TEXT,
            PRIMARY KEY (repo_id, number, idx)
        );

        CREATE TABLE source_cursors (
            repo_id INTEGER NOT NULL,
            source TEXT NOT NULL,               -- github: {"updated": unix seconds of the last PR written}
            cursor TEXT,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (repo_id, source)
        );
        """,
    ),
    (
        # answers of an OpenAI-compatible model (PR readings, report sections), validated or not, so a
        # rerun makes no request and the website serves LLM-written reports without calling the model
        "0008_llm_cache",
        """
        CREATE TABLE llm_cache (
            key TEXT PRIMARY KEY,               -- sha256 of model, prompt version, kind, language, facts hash
            model TEXT NOT NULL,
            prompt_version TEXT NOT NULL,
            kind TEXT NOT NULL,                 -- reading, or section:<name>
            lang TEXT NOT NULL,
            facts_hash TEXT NOT NULL,
            scope TEXT,                         -- owner/name|period slug: which model wrote which report
            result TEXT NOT NULL,               -- JSON: {"ok": true, ...} or {"ok": false, "error": ...}
            created_at BIGINT NOT NULL
        );
        CREATE INDEX llm_cache_scope ON llm_cache (scope, lang, created_at);
        """,
    ),
    (
        # built reports, so the website serves pages from storage instead of analysing per request;
        # inputs fingerprints the data and settings a report was built from (a changed one is rebuilt)
        "0009_stored_reports",
        """
        CREATE TABLE stored_reports (
            repo_id INTEGER NOT NULL,
            period TEXT NOT NULL,               -- 2026-04-06-to-2026-04-12
            tz TEXT NOT NULL,
            lang TEXT NOT NULL,
            inputs TEXT NOT NULL,
            context BLOB NOT NULL,              -- the report context as gzip-compressed JSON
            built_at BIGINT NOT NULL,
            PRIMARY KEY (repo_id, period, tz, lang)
        );
        """,
    ),
    (
        # what the diffs say beyond line counts, read at sync time for the few commits that need it:
        # Rust inline tests (#[test], #[cfg(test)]) in a .rs file, dependency entries changed in a
        # manifest (Cargo.toml [dependencies], package.json dependencies, go.mod require ...);
        # and the repository's .gitattributes linguist rules (generated, vendored, documentation)
        "0010_diff_facts",
        """
        CREATE TABLE diff_facts (
            repo_id INTEGER NOT NULL,
            sha TEXT NOT NULL,
            kind TEXT NOT NULL,                 -- inline-tests | dependency
            path TEXT NOT NULL,
            detail TEXT NOT NULL,               -- dependency: the ecosystem, then the entries changed
            PRIMARY KEY (repo_id, sha, kind, path)
        );
        CREATE TABLE path_attributes (
            repo_id INTEGER NOT NULL,
            idx INTEGER NOT NULL,
            pattern TEXT NOT NULL,              -- a glob, relative to the repository root
            attribute TEXT NOT NULL,            -- generated | vendored | documentation
            value INTEGER NOT NULL,             -- 1 set, 0 unset
            PRIMARY KEY (repo_id, idx)
        );
        ALTER TABLE sync_cursors ADD COLUMN diff_seq INTEGER;  -- commits up to this seq had their diffs read
        """,
    ),
    (
        # what the analysis derives from one PR alone (its title words; its labels, kind, theme
        # candidates, risk tags...), kept between processes: a report reads the weeks before its
        # period, and reads them here instead of deriving them again. A part is used only while its
        # key matches the one computed now (analysis/kept.py), so nothing needs clearing.
        "0011_pr_analysis",
        """
        CREATE TABLE pr_analysis (
            repo_id INTEGER NOT NULL,
            number INTEGER NOT NULL,
            words_key TEXT,                     -- digest of prhub's analysis code, then the title
            words TEXT,                         -- JSON: the title's content words
            facts_key TEXT,                     -- digest of the code, the settings, .gitattributes and the PR
            facts TEXT,                         -- JSON: the PR's facts
            PRIMARY KEY (repo_id, number)
        );
        """,
    ),
]


# Migrations a store opened read only may lack: what they add is only kept to go faster (a report
# from such a store derives it again), so an older store still reports without a sync to upgrade it.
OPTIONAL_FOR_READING = frozenset({"0011_pr_analysis"})

_COMMENT = re.compile(r"--[^\n]*")
_POSTGRES_TYPES = [
    (re.compile(r"\bINTEGER PRIMARY KEY AUTOINCREMENT\b|\bINTEGER PRIMARY KEY\b"),
     "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    (re.compile(r"\bINTEGER\b"), "BIGINT"),
    (re.compile(r"\bBLOB\b"), "BYTEA"),
    (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),
    (re.compile(r"\bTEXT\b(?!\s+COLLATE)"), 'TEXT COLLATE "C"'),
]  # fmt: skip


def statements(sql: str) -> list[str]:
    """One migration's statements, comments dropped (a comment may hold a semicolon)."""
    return [s.strip() for s in _COMMENT.sub("", sql).split(";") if s.strip()]


def for_sqlite(sql: str) -> list[str]:
    return statements(sql)


def for_postgres(sql: str) -> list[str]:
    out = []
    for statement in statements(sql):
        for pattern, replacement in _POSTGRES_TYPES:
            statement = pattern.sub(replacement, statement)
        out.append(statement)
    return out
