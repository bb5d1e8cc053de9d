// Package declaration prints a dossier's declaration (tờ khai) the way the
// procedure's official form lays it out: the form number and issuing
// circular, the national motto, the title, "Kính gửi", the numbered items
// in the form's order and wording, two columns for two-party forms
// (marriage), tables of household members, the pledge, the date line and
// the signature boxes.
//
// The layout of each form is data, not code: seeds/procedures/forms/SLUG.json
// beside the catalog entry (FORMS.md describes the format). Adding a
// procedure needs its catalog file and its layout file, and no Go. The
// loader checks every layout against the catalog: each path names a field,
// and each field of the procedure is printed or deliberately omitted with a
// reason, so a value a citizen gave never silently drops off the paper.
//
// Values come from the dossier. Dates print as DD/MM/YYYY (or a bare year),
// choices as their Vietnamese label, and values read from a chip that
// passed passive authentication carry a small "(*)" mark explained in a
// footnote. The PDF is text (fpdf, Noto Sans through Fyne's theme) with
// every string in NFC.
package declaration
