package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// migrations are applied in order; migration i brings the schema to
// version i+1. Never edit one that has shipped: add the next.
var migrations = []string{
	// 1: dossiers, codes, attachments, statistics.
	`CREATE TABLE dossiers (
		code       text PRIMARY KEY,
		kiosk_id   text NOT NULL,
		dossier_id text NOT NULL,
		body_hash  text NOT NULL CHECK (body_hash ~ '^[0-9a-f]{64}$'),
		status     smallint NOT NULL,
		reason     text NOT NULL DEFAULT '',
		updated_at timestamptz NOT NULL,
		response   bytea NOT NULL,
		body       bytea NOT NULL,
		UNIQUE (kiosk_id, dossier_id)
	);
	CREATE TABLE code_seq (
		agency text NOT NULL,
		day    text NOT NULL,
		last   bigint NOT NULL,
		PRIMARY KEY (agency, day)
	);
	CREATE TABLE attachments (
		sha256    text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
		data      bytea NOT NULL,
		stored_at timestamptz NOT NULL DEFAULT now()
	);
	CREATE TABLE stats_batches (
		kiosk_id  text NOT NULL,
		batch_id  text NOT NULL,
		body_hash text NOT NULL,
		at        timestamptz NOT NULL,
		response  bytea NOT NULL,
		PRIMARY KEY (kiosk_id, batch_id)
	);
	CREATE TABLE ratings (
		kiosk_id       text NOT NULL,
		batch_id       text NOT NULL,
		idx            int NOT NULL,
		day            date NOT NULL,
		score          smallint NOT NULL,
		at             timestamptz NOT NULL,
		procedure_code text NOT NULL DEFAULT '',
		counter_id     text NOT NULL DEFAULT '',
		dossier_id     text NOT NULL DEFAULT '',
		PRIMARY KEY (kiosk_id, batch_id, idx)
	);
	CREATE INDEX ratings_day ON ratings (day);
	CREATE TABLE indicators (
		day      date NOT NULL,
		kiosk_id text NOT NULL,
		name     text NOT NULL,
		value    bigint NOT NULL,
		PRIMARY KEY (day, kiosk_id, name)
	);`,
	// 2: kiosk heartbeats.
	`CREATE TABLE kiosks (
		kiosk_id    text PRIMARY KEY,
		n           bigint NOT NULL,
		received_at timestamptz NOT NULL,
		body        bytea NOT NULL
	);
	CREATE TABLE heartbeats (
		kiosk_id    text NOT NULL,
		n           bigint NOT NULL,
		received_at timestamptz NOT NULL,
		body        bytea NOT NULL,
		PRIMARY KEY (kiosk_id, n)
	);`,
}

// migrateLock is the advisory lock key instances take while migrating.
const migrateLock = 0x6d6f74637561 // "motcua"

// Version returns the schema version of the database (0: none).
func (s *Store) version(ctx context.Context) (int, error) {
	var v int
	err := s.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "42P01" { // undefined_table
		return 0, nil
	}
	return v, err
}

func (s *Store) migrate(ctx context.Context) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrateLock)); err != nil {
			return fmt.Errorf("pgstore: migration lock: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return fmt.Errorf("pgstore: %w", err)
		}
		var v int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
			return fmt.Errorf("pgstore: %w", err)
		}
		if v > len(migrations) {
			return fmt.Errorf("%w: database at version %d is newer than this build (%d): upgrade the portal", ErrSchema, v, len(migrations))
		}
		for i := v; i < len(migrations); i++ {
			if _, err := tx.Exec(ctx, migrations[i]); err != nil {
				return fmt.Errorf("pgstore: migration %d: %w", i+1, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES ($1)`, i+1); err != nil {
				return fmt.Errorf("pgstore: migration %d: %w", i+1, err)
			}
		}
		return nil
	})
}
