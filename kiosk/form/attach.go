package form

import (
	"crypto/sha256"
	"encoding/hex"

	"motcua/kiosk/catalog"
	"motcua/offline/dossier"
)

// NewAttachment describes a file for a dossier: its SHA-256 and size. The
// bytes themselves are the caller's to store (the offline queue keeps them
// by hash); the dossier carries only the reference.
func NewAttachment(key, name, mediaType string, data []byte) dossier.Attachment {
	sum := sha256.Sum256(data)
	return dossier.Attachment{Key: key, Name: name, Type: mediaType, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))}
}

// Attach adds a file to the attachment the catalog names key. Attaching the
// same file (same hash) twice is a no-op.
func (f *Form) Attach(a dossier.Attachment) error {
	if _, ok := f.proc.Attachment(a.Key); !ok {
		return ErrUnknownAttach
	}
	if !isHex64(a.SHA256) {
		return invalid(CodeAttachmentHash)
	}
	for _, b := range f.attach[a.Key] {
		if b.SHA256 == a.SHA256 {
			return nil
		}
	}
	f.attach[a.Key] = append(f.attach[a.Key], a)
	return nil
}

// Detach removes the file with the given hash from attachment key.
// Removing a file that is not attached is a no-op.
func (f *Form) Detach(key, sha256hex string) error {
	if _, known := f.proc.Attachment(key); !known {
		return ErrUnknownAttach
	}
	files := f.attach[key]
	for i, b := range files {
		if b.SHA256 == sha256hex {
			f.attach[key] = append(files[:i:i], files[i+1:]...)
			return nil
		}
	}
	return nil
}

// AttachmentState is one line of the attachments checklist.
type AttachmentState struct {
	Spec     *catalog.Attach      `json:"-"`
	Key      string               `json:"key"`
	Required bool                 `json:"required"` // given the current values
	Files    []dossier.Attachment `json:"files,omitempty"`
	Missing  bool                 `json:"missing"`
	// ProvidedBy is the bundle step (procedure slug) that produces this
	// document itself: the citizen is not asked for it.
	ProvidedBy string `json:"providedBy,omitempty"`
}

// Attachments is the checklist of documents, in catalog order.
func (f *Form) Attachments() []AttachmentState {
	out := make([]AttachmentState, 0, len(f.proc.Attachments))
	for i := range f.proc.Attachments {
		a := &f.proc.Attachments[i]
		req := a.Required
		if a.RequiredIf != nil {
			v, _ := f.Get(a.RequiredIf.Field)
			req = a.RequiredIf.Holds(v.Value)
		}
		by := f.provided[a.Key]
		if by != "" {
			req = false
		}
		files := append([]dossier.Attachment(nil), f.attach[a.Key]...)
		out = append(out, AttachmentState{Spec: a, Key: a.Key, Required: req, Files: files, Missing: req && len(files) == 0, ProvidedBy: by})
	}
	return out
}
