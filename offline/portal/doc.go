// Package portal is the kiosk's side of the one-door portal: the Client
// interface the sync worker delivers through (so a provincial one-door
// adapter can replace the reference one), the HTTP/JSON wire types shared
// with the reference server, the DVCQG status codes, dossier codes, and an
// HTTP client. Every response body is parsed and checked here before the
// kiosk acts on it: it is outside input.
package portal
