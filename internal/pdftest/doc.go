// Package pdftest reads PDFs in tests with poppler's command-line tools:
// the text layer (pdftotext), the page count and size (pdfinfo), and a PNG
// render (pdftoppm). A missing tool fails the test with the apt-get line
// that installs it; it never skips.
package pdftest
