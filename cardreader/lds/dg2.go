package lds

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"motcua/cardreader/tlv"
)

// Image formats of a face image.
const (
	FormatJPEG     = "jpeg"
	FormatJPEG2000 = "jpeg2000"
	FormatUnknown  = "unknown"
)

// Face is the first face image of DG2 with what its ISO/IEC 19794-5 record
// header says about it.
type Face struct {
	Format string // by the image's own magic bytes: FormatJPEG, FormatJPEG2000 or FormatUnknown
	Width  int    // from the record header (0 if the header says nothing)
	Height int
	Image  []byte // the encoded image; aliases the DG2 bytes
}

// ISO/IEC 19794-5 sizes.
const (
	frHeaderLen    = 14 // "FAC\0", "010\0", record length (4), number of faces (2)
	faceInfoLen    = 20 // block length (4) … pose uncertainty
	featurePtLen   = 8
	imageInfoLen   = 12
	imageTypeJPEG  = 0
	imageTypeJPEG2 = 1
)

// DetectFormat tells JPEG from JPEG 2000 (JP2 box file or raw codestream)
// by the first bytes.
func DetectFormat(img []byte) string {
	switch {
	case bytes.HasPrefix(img, []byte{0xFF, 0xD8, 0xFF}):
		return FormatJPEG
	case bytes.HasPrefix(img, []byte{0x00, 0x00, 0x00, 0x0C, 'j', 'P', ' ', ' ', 0x0D, 0x0A, 0x87, 0x0A}),
		bytes.HasPrefix(img, []byte{0xFF, 0x4F, 0xFF, 0x51}):
		return FormatJPEG2000
	}
	return FormatUnknown
}

// ParseDG2 extracts the first face image from DG2:
// 75 { 7F61 { 02 count, 7F60 { A1 header, 5F2E|7F2E face record } } }.
func ParseDG2(b []byte) (*Face, error) {
	group, err := tlv.FindPath(b, TagDG2, 0x7F61)
	if err != nil {
		return nil, malformed("DG2", "biometric information group template", err)
	}
	tmpl, err := tlv.Find(group, 0x7F60)
	if err != nil {
		return nil, malformed("DG2", "biometric information template", err)
	}
	rec, err := tlv.Find(tmpl, 0x5F2E)
	if err != nil {
		if rec, err = tlv.Find(tmpl, 0x7F2E); err != nil {
			return nil, malformed("DG2", "biometric data block", err)
		}
	}
	return parseFaceRecord(rec)
}

func parseFaceRecord(r []byte) (*Face, error) {
	if len(r) < frHeaderLen+faceInfoLen+imageInfoLen || !bytes.HasPrefix(r, []byte("FAC\x00")) {
		return nil, malformed("DG2", "face record header", nil)
	}
	if binary.BigEndian.Uint16(r[12:14]) == 0 {
		return nil, malformed("DG2", "face record holds no face", nil)
	}
	info := r[frHeaderLen:]
	blockLen := int(binary.BigEndian.Uint32(info[0:4]))
	points := int(binary.BigEndian.Uint16(info[4:6]))
	off := faceInfoLen + points*featurePtLen
	if len(info) < off+imageInfoLen {
		return nil, malformed("DG2", "facial information block", nil)
	}
	ii := info[off : off+imageInfoLen]
	f := &Face{
		Width:  int(binary.BigEndian.Uint16(ii[2:4])),
		Height: int(binary.BigEndian.Uint16(ii[4:6])),
	}
	img := info[off+imageInfoLen:]
	// The block length covers the whole facial record; trust it only to trim.
	if blockLen >= off+imageInfoLen && blockLen <= len(info) {
		img = info[off+imageInfoLen : blockLen]
	}
	if len(img) == 0 {
		return nil, malformed("DG2", "empty image", nil)
	}
	f.Image = img
	f.Format = DetectFormat(img)
	if f.Format == FormatUnknown {
		switch ii[1] {
		case imageTypeJPEG:
			return nil, malformed("DG2", "image declared JPEG lacks the JPEG signature", nil)
		case imageTypeJPEG2:
			return nil, malformed("DG2", "image declared JPEG 2000 lacks its signature", nil)
		}
		return nil, malformed("DG2", fmt.Sprintf("unknown image data type %d", ii[1]), nil)
	}
	return f, nil
}

// EncodeDG2 builds DG2 around one encoded face image (JPEG or JPEG 2000)
// of the given size, with a full-frontal ISO/IEC 19794-5 record.
func EncodeDG2(img []byte, width, height int) []byte {
	imgType := byte(imageTypeJPEG)
	if DetectFormat(img) == FormatJPEG2000 {
		imgType = imageTypeJPEG2
	}
	block := faceInfoLen + imageInfoLen + len(img)
	rec := make([]byte, 0, frHeaderLen+block)
	rec = append(rec, "FAC\x00010\x00"...)
	rec = binary.BigEndian.AppendUint32(rec, uint32(frHeaderLen+block))
	rec = binary.BigEndian.AppendUint16(rec, 1)
	// Facial information: block length, 0 feature points, gender, eye and
	// hair colour unspecified, feature mask 0, neutral expression, pose 0.
	rec = binary.BigEndian.AppendUint32(rec, uint32(block))
	rec = append(rec, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0)
	// Image information: full frontal, data type, size, 24-bit RGB,
	// unknown source, device and quality.
	rec = append(rec, 1, imgType)
	rec = binary.BigEndian.AppendUint16(rec, uint16(width))
	rec = binary.BigEndian.AppendUint16(rec, uint16(height))
	rec = append(rec, 1, 0, 0, 0, 0, 0)
	rec = append(rec, img...)
	header := tlv.Nest(0xA1,
		tlv.Encode(0x80, []byte{0x01, 0x01}), // ICAO header version 1.1
		tlv.Encode(0x87, []byte{0x01, 0x01}), // format owner: ISO/IEC JTC1 SC37
		tlv.Encode(0x88, []byte{0x00, 0x08})) // format type: face image
	return tlv.Nest(TagDG2, tlv.Nest(0x7F61,
		tlv.Encode(0x02, []byte{1}),
		tlv.Nest(0x7F60, header, tlv.Encode(0x5F2E, rec))))
}
