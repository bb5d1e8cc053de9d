// Package portalserver is the logic of the reference portal (cmd/portal): a
// small HTTP/JSON one-door intake with its own bbolt store. It authenticates
// kiosks by bearer token, takes dossiers idempotently (the kiosk's dossier ID
// is the Idempotency-Key: the same key with the same body gets the same
// answer, with another body a 409), stores attachments by SHA-256, issues
// dossier codes <agency>-<yyMMdd>-<seq> with a daily sequence in
// Asia/Ho_Chi_Minh, answers with the Mẫu 01 receipt data, reports DVCQG
// status codes, takes satisfaction ratings and daily indicator totals in
// idempotent batches (POST /v1/stats, the kiosk's batch ID as the
// Idempotency-Key; indicator totals are absolute, the latest per kiosk, day
// and name wins), and has fault switches so tests can make it fail, stall,
// refuse, or drop the connection after committing.
package portalserver
