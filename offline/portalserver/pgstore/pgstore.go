package pgstore

import (
	"context"
	"errors"
	"fmt"
	"motcua/internal/vntime"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"motcua/cardreader/cccd"
	"motcua/offline/portal"
	"motcua/offline/portalserver"
)

// Errors of this package.
var (
	ErrSchema     = errors.New("pgstore: database schema mismatch")
	ErrNotAPortal = errors.New("pgstore: not a portal database (no schema; start `portal serve --db` once to create it)")
)

// Store is portalserver.Store on PostgreSQL. Safe for concurrent use.
type Store struct {
	pool *pgxpool.Pool
	// intakes bounds the intake transactions in flight from this process.
	// Intakes of one agency and day queue on one row lock anyway; without
	// the bound they would hold every pooled connection while they wait,
	// and heartbeats and status look-ups would starve behind them.
	intakes chan struct{}
}

// maxIntakes is the size of Store.intakes.
const maxIntakes = 4

var _ portalserver.Store = (*Store)(nil)

// DefaultMaxConns is the pool size when the URL sets no pool_max_conns.
const DefaultMaxConns = 16

// Open connects to the database at url and creates or upgrades the schema.
func Open(ctx context.Context, url string) (*Store, error) {
	s, err := connect(ctx, url)
	if err != nil {
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Connect connects to an existing portal database without changing its
// schema (for `portal count` and `portal stats`).
func Connect(ctx context.Context, url string) (*Store, error) {
	s, err := connect(ctx, url)
	if err != nil {
		return nil, err
	}
	v, err := s.version(ctx)
	if err == nil && v == 0 {
		err = ErrNotAPortal
	} else if err == nil && v != len(migrations) {
		err = fmt.Errorf("%w: database at version %d, this build knows %d", ErrSchema, v, len(migrations))
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func connect(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// The URL may hold a password: say what is wrong without it.
		return nil, fmt.Errorf("pgstore: bad database URL (want postgres://user:password@host:port/db)")
	}
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = DefaultMaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("pgstore: connecting to %s:%d: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Port, err)
	}
	return &Store{pool: pool, intakes: make(chan struct{}, maxIntakes)}, nil
}

// Close closes the pool; calling it again does nothing.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

func (s *Store) PutAttachment(ctx context.Context, sha string, data []byte) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO attachments (sha256, data) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING`, sha, data)
	if err != nil {
		return fmt.Errorf("pgstore: storing attachment: %w", err)
	}
	return nil
}

func (s *Store) Attachment(ctx context.Context, sha string) ([]byte, error) {
	var data []byte
	err := s.pool.QueryRow(ctx, `SELECT data FROM attachments WHERE sha256 = $1`, sha).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, portalserver.ErrUnknownAttachment
	}
	return data, err
}

func (s *Store) Intake(ctx context.Context, in portalserver.Intake) (resp []byte, replay bool, err error) {
	select {
	case s.intakes <- struct{}{}:
		defer func() { <-s.intakes }()
	case <-ctx.Done():
		return nil, false, ctx.Err()
	}
	// A twin racing on another instance makes our INSERT fail on the unique
	// key once; the second look finds its dossier.
	for range 3 {
		resp, replay, err = s.intakeOnce(ctx, in)
		if !isUniqueViolation(err) {
			return resp, replay, err
		}
	}
	return nil, false, fmt.Errorf("pgstore: intake kept colliding: %w", err)
}

func (s *Store) intakeOnce(ctx context.Context, in portalserver.Intake) (resp []byte, replay bool, err error) {
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var hash string
		err := tx.QueryRow(ctx, `SELECT body_hash, response FROM dossiers WHERE kiosk_id = $1 AND dossier_id = $2`,
			in.Kiosk, in.DossierID).Scan(&hash, &resp)
		switch {
		case err == nil && hash != in.BodyHash:
			return portalserver.ErrConflict
		case err == nil:
			replay = true
			return nil
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		if len(in.Attachments) > 0 {
			want := slices.Compact(slices.Sorted(slices.Values(in.Attachments)))
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM attachments WHERE sha256 = ANY($1)`, want).Scan(&n); err != nil {
				return err
			}
			if n != len(want) {
				return portalserver.ErrAttachmentMissing
			}
		}
		day := portalserver.CodeDay(in.Now)
		var seq int64
		err = tx.QueryRow(ctx, `INSERT INTO code_seq AS c (agency, day, last) VALUES ($1, $2, 1)
			ON CONFLICT (agency, day) DO UPDATE SET last = c.last + 1 RETURNING last`, in.Agency, day).Scan(&seq)
		if err != nil {
			return err
		}
		code := portalserver.Code(in.Agency, day, seq)
		if resp, err = in.Answer(code); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO dossiers (code, kiosk_id, dossier_id, body_hash, status, updated_at, response, body)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			code, in.Kiosk, in.DossierID, in.BodyHash, int(portal.StatusAccepted), in.Now.UTC(), resp, in.Body)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return resp, replay, nil
}

const recordCols = `code, kiosk_id, dossier_id, body_hash, status, reason, updated_at, response, body`

func scanRecord(row pgx.Row) (portalserver.Record, error) {
	var r portalserver.Record
	var st int
	var resp, body []byte
	err := row.Scan(&r.Code, &r.KioskID, &r.DossierID, &r.BodyHash, &st, &r.Reason, &r.UpdatedAt, &resp, &body)
	r.Status, r.Response, r.Body = portal.Status(st), resp, body
	r.UpdatedAt = r.UpdatedAt.UTC()
	return r, err
}

func (s *Store) Lookup(ctx context.Context, kiosk, id string) (portalserver.Record, error) {
	r, err := scanRecord(s.pool.QueryRow(ctx, `SELECT `+recordCols+` FROM dossiers WHERE kiosk_id = $1 AND dossier_id = $2`, kiosk, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return r, portalserver.ErrUnknownDossier
	}
	return r, err
}

func (s *Store) SetStatus(ctx context.Context, kiosk, id string, st portal.Status, reason string, at time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE dossiers SET status = $3, reason = $4, updated_at = $5 WHERE kiosk_id = $1 AND dossier_id = $2`,
		kiosk, id, int(st), reason, at.UTC())
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return portalserver.ErrUnknownDossier
	}
	return nil
}

func (s *Store) Each(ctx context.Context, fn func(portalserver.Record) error) error {
	rows, err := s.pool.Query(ctx, `SELECT `+recordCols+` FROM dossiers ORDER BY code COLLATE "C"`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (s *Store) Count(ctx context.Context) (portalserver.Counts, error) {
	var c portalserver.Counts
	err := s.pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM dossiers),
		(SELECT count(*) FROM (SELECT DISTINCT kiosk_id, dossier_id FROM dossiers) d),
		(SELECT count(*) FROM ratings),
		(SELECT count(*) FROM stats_batches)`).Scan(&c.Dossiers, &c.DistinctKioskDossierIDs, &c.Ratings, &c.StatsBatches)
	return c, err
}

func (s *Store) PutStats(ctx context.Context, in portalserver.StatsIntake) (resp []byte, replay bool, err error) {
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO stats_batches (kiosk_id, batch_id, body_hash, at, response) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (kiosk_id, batch_id) DO NOTHING`, in.Kiosk, in.BatchID, in.BodyHash, in.At.UTC(), in.Response)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			var hash string
			if err := tx.QueryRow(ctx, `SELECT body_hash, response FROM stats_batches WHERE kiosk_id = $1 AND batch_id = $2`,
				in.Kiosk, in.BatchID).Scan(&hash, &resp); err != nil {
				return err
			}
			if hash != in.BodyHash {
				return portalserver.ErrConflict
			}
			replay = true
			return nil
		}
		b := &pgx.Batch{}
		for i, rt := range in.Batch.Ratings {
			b.Queue(`INSERT INTO ratings (kiosk_id, batch_id, idx, day, score, at, procedure_code, counter_id, dossier_id)
				VALUES ($1, $2, $3, $4::date, $5, $6, $7, $8, $9)`,
				in.Kiosk, in.BatchID, i, vntime.Today(rt.At).ISO(), rt.Score, rt.At.UTC(), rt.ProcedureCode, rt.CounterID, rt.DossierID)
		}
		// Totals are absolute and a kiosk's batches arrive in order: the
		// latest write is the truth.
		for _, ind := range in.Batch.Indicators {
			b.Queue(`INSERT INTO indicators (day, kiosk_id, name, value) VALUES ($1::date, $2, $3, $4)
				ON CONFLICT (day, kiosk_id, name) DO UPDATE SET value = EXCLUDED.value`, ind.Day.ISO(), in.Kiosk, ind.Name, ind.Value)
		}
		if b.Len() > 0 {
			if err := tx.SendBatch(ctx, b).Close(); err != nil {
				return err
			}
		}
		resp = in.Response
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return resp, replay, nil
}

func (s *Store) Stats(ctx context.Context, kiosk string, day cccd.Date) (portal.StatsTotals, error) {
	t := portal.StatsTotals{KioskID: kiosk, Day: day, Indicators: map[string]int64{}}
	d := ""
	if !day.IsZero() {
		d = day.ISO()
	}
	const where = ` WHERE ($1 = '' OR kiosk_id = $1) AND ($2 = '' OR day = NULLIF($2, '')::date)`
	rows, err := s.pool.Query(ctx, `SELECT score, count(*) FROM ratings`+where+` AND score BETWEEN 1 AND 5 GROUP BY score`, kiosk, d)
	if err != nil {
		return t, err
	}
	for rows.Next() {
		var score, n int
		if err := rows.Scan(&score, &n); err != nil {
			rows.Close()
			return t, err
		}
		t.Scores[score-1] += n
		t.Ratings += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return t, err
	}
	rows, err = s.pool.Query(ctx, `SELECT name, sum(value)::bigint FROM indicators`+where+` GROUP BY name`, kiosk, d)
	if err != nil {
		return t, err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var v int64
		if err := rows.Scan(&name, &v); err != nil {
			return t, err
		}
		t.Indicators[name] = v
	}
	return t, rows.Err()
}

func (s *Store) PutHeartbeat(ctx context.Context, hb portalserver.Heartbeat) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// A heartbeat lost in a database crash is sent again within 30 s:
		// it need not wait for the WAL flush, which leaves the disk to the
		// dossiers (the transaction stays atomic either way).
		if _, err := tx.Exec(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
			return err
		}
		var n int64
		err := tx.QueryRow(ctx, `INSERT INTO kiosks AS k (kiosk_id, n, received_at, body) VALUES ($1, 1, $2, $3)
			ON CONFLICT (kiosk_id) DO UPDATE SET n = k.n + 1, received_at = EXCLUDED.received_at, body = EXCLUDED.body
			RETURNING n`, hb.KioskID, hb.ReceivedAt.UTC(), hb.Body).Scan(&n)
		if err != nil {
			return err
		}
		b := &pgx.Batch{}
		b.Queue(`INSERT INTO heartbeats (kiosk_id, n, received_at, body) VALUES ($1, $2, $3, $4)`, hb.KioskID, n, hb.ReceivedAt.UTC(), hb.Body)
		b.Queue(`DELETE FROM heartbeats WHERE kiosk_id = $1 AND n <= $2`, hb.KioskID, n-portalserver.HistoryLen)
		return tx.SendBatch(ctx, b).Close()
	})
}

func (s *Store) heartbeats(ctx context.Context, q string, args ...any) ([]portalserver.Heartbeat, error) {
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portalserver.Heartbeat
	for rows.Next() {
		var hb portalserver.Heartbeat
		if err := rows.Scan(&hb.KioskID, &hb.ReceivedAt, &hb.Body); err != nil {
			return nil, err
		}
		hb.ReceivedAt = hb.ReceivedAt.UTC()
		out = append(out, hb)
	}
	return out, rows.Err()
}

func (s *Store) Fleet(ctx context.Context) ([]portalserver.Heartbeat, error) {
	return s.heartbeats(ctx, `SELECT kiosk_id, received_at, body FROM kiosks ORDER BY kiosk_id COLLATE "C"`)
}

func (s *Store) History(ctx context.Context, kiosk string) ([]portalserver.Heartbeat, error) {
	return s.heartbeats(ctx, `SELECT kiosk_id, received_at, body FROM heartbeats WHERE kiosk_id = $1 ORDER BY n DESC LIMIT $2`,
		kiosk, portalserver.HistoryLen)
}
