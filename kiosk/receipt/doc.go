// Package receipt is the receipt-and-appointment slip (Mẫu 01, TT 03/2025/
// TT-VPCP) the citizen takes home: its data, the QR code that TT 01/2023/
// TT-VPCP asks for (dossier code, procedure code, the holder's ID, document
// name, issuing system, time of issue, appointment date), and the slip as a
// text PDF (fpdf, Noto Sans) in A4, A5 or an 80 mm roll layout.
package receipt
