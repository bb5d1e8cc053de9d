// Package catalog is the procedure catalog: the schema of one administrative
// procedure (its national code, names in Vietnamese and English, domain,
// agency level, form sections and fields, required rules, which card field
// prefills each field, attachments, fee and processing time) and of bundles
// that chain procedures into one intake, with a loader that checks every file
// and names the file, the field path and the problem when one is wrong.
//
// The schema is described in SCHEMA.md. The catalog the kiosk ships with is
// embedded from seeds/procedures; Embedded loads it.
package catalog
