// Package seal keeps personal data unreadable at rest: it seals values with
// AES-256-GCM under a data key held in a key file (mode 0600, created on
// first use), binds each sealed value to its record with additional data,
// and supports key rotation, during which old and new keys coexist so that a
// crash half-way never makes data unreadable. The key file also holds a
// separate, never-rotated key for keyed hashes (HMAC-SHA256) of citizen IDs,
// so the audit trail can name a citizen without storing the ID.
//
// # Values
//
// Seal makes one blob: 0x01 ‖ key ID (4, big-endian) ‖ nonce (12, random) ‖
// AES-256-GCM(plaintext, aad = record name). The whole value is in memory
// on both sides: it is for dossiers, receipts and reasons.
//
// # Streams
//
// Attachments (scanned PDFs of up to the portal's limit) are sealed as a
// stream of chunks, so neither sealing nor opening ever holds more than one
// chunk (StreamSealer, StreamOpener; Writer and Reader for an io stream).
// A stream is a 32-byte header and chunks:
//
//	header  = 0x02 ‖ key ID (4, BE) ‖ chunk size C (4, BE; 1..16 MiB, 64 KiB
//	          when sealed here) ‖ salt (16, random) ‖ nonce prefix (7, random)
//	key     = HKDF-SHA256(secret = data key[key ID], salt, info =
//	          "motcua/seal/stream/v2"), 32 bytes: a key of the stream's own,
//	          so random nonce prefixes never collide under one key
//	chunk i = AES-256-GCM(key, nonce_i, plaintext_i, aad_i) (ciphertext ‖
//	          16-byte tag), for i = 0, 1, … < 2^32
//	nonce_i = nonce prefix (7) ‖ i (4, BE) ‖ final (1: 0x01 for the last
//	          chunk, else 0x00)
//	aad_i   = "motcua/seal/stream/v2" ‖ header (32) ‖ i (8, BE) ‖ final (1)
//	          ‖ record name
//
// Every chunk but the last holds exactly C bytes of plaintext; the last
// holds 0..C (0 only for an empty value), and is the only one sealed with
// final = 1. So a chunk changed, moved to another place or record, two
// chunks swapped, the tail cut after any chunk (the new last chunk was not
// sealed as final) or a chunk added after the final one all fail to open
// (ErrAuth). Writer lays a stream out as header ‖ chunk 0 ‖ chunk 1 ‖ …;
// the store keeps the header in its index and each chunk under its own key.
package seal
