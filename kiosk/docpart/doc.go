// Package docpart makes a dossier part: one document the citizen brought,
// as one A4 PDF with its pages in order, tagged with the catalog's
// attachment key, its document type, page count, size and SHA-256.
//
// Since 1 October 2025 the commune/ward centres keep no paper for the
// essential services: the scans are the dossier. Pages come from a scanner
// (package scanner), a photo or camera frame, or a JPEG/PNG file; each is
// fitted to A4 at the target resolution (200 dpi by default) and stored as a
// JPEG whose quality steps down until the page fits its budget (500 KB for a
// grey page). An existing PDF is checked (pdfcpu) and kept as it is. The PDF
// is written with go-pdf/fpdf. A part larger than the portal's limit is
// refused at the counter (ErrTooLarge), before the citizen leaves, and an
// input file too large to be a document is refused before it is read.
package docpart
