// Package pgstore is the portal's store on PostgreSQL (pgx v5), for a
// province that runs several portal instances on one database. It
// implements portalserver.Store and passes the same conformance suite as
// the embedded bbolt store (storetest).
//
// How the contract is kept with several instances writing at once:
//
//   - Idempotent intake: dossiers has UNIQUE (kiosk_id, dossier_id) and
//     keeps the body hash and the first answer. An intake looks for the key
//     first; two instances racing with the same key both miss, one commits,
//     the other's INSERT fails on the unique key, its transaction rolls back
//     and it looks again: a replay (same hash) or a conflict.
//   - Gap-free codes: code_seq holds the last number per (agency, day). The
//     intake bumps it with INSERT … ON CONFLICT DO UPDATE … RETURNING inside
//     the transaction that stores the dossier. The row lock serialises
//     intakes of one agency and day across instances; a rollback returns
//     the number, so no code is skipped or given twice.
//   - Statistics batches: stats_batches has PRIMARY KEY (kiosk_id,
//     batch_id); INSERT … ON CONFLICT DO NOTHING decides, in the same
//     transaction as the ratings and indicator totals, whether this batch is
//     new.
//   - Attachments are rows keyed by their lower-case hex SHA-256.
//   - Heartbeats: kiosks holds the latest per kiosk with a counter n;
//     heartbeats the history keyed (kiosk_id, n), trimmed to HistoryLen.
//
// The schema is created and upgraded by numbered migrations
// (schema_migrations), applied under an advisory lock so instances starting
// together do not race. A database with a newer schema than this build
// knows is refused.
package pgstore
