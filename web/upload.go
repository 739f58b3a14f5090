package web

import (
	"bytes"
	"crypto/sha256"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path"
	"slices"
	"strings"

	"inboxdesk/inbound/mailparse"
	"inboxdesk/ticket"
)

// sniffLen is how much of a file http.DetectContentType looks at.
const sniffLen = 512

// readFile streams one uploaded file to temporary storage and applies the
// rules: size, count, and type as sniffed from the bytes. The stored name
// follows the inbound path's rule and ends in the sniffed type's extension.
func (s *Server) readFile(p *multipart.Part, f *form) error {
	reject := func(reason string) error {
		f.rejected = append(f.rejected, rejectedFile{Name: mailparse.SanitizeFilename(p.FileName(), len(f.rejected)+1, ""),
			Reason: reason})
		_, err := io.Copy(io.Discard, p)
		return err
	}
	if len(f.files) >= s.cfg.MaxUploadFiles {
		return reject("upload_too_many")
	}
	tmp, err := newTempFile()
	if err != nil {
		return err
	}
	sum := sha256.New()
	head := &prefixBuffer{max: sniffLen}
	n, err := io.Copy(io.MultiWriter(tmp, sum, head), io.LimitReader(p, s.cfg.MaxUploadBytes+1))
	if err != nil {
		_ = tmp.Close()
		return err
	}
	name, typ, allowed := UploadAllowed(p.FileName(), head.Bytes(), s.cfg.UploadTypes, len(f.files)+1)
	switch {
	case n == 0:
		_ = tmp.Close()
		return reject("upload_empty")
	case n > s.cfg.MaxUploadBytes:
		_ = tmp.Close()
		return reject("upload_too_big")
	case !allowed:
		_ = tmp.Close()
		return reject("upload_type")
	}
	f.temps = append(f.temps, tmp)
	f.files = append(f.files, ticket.Attachment{Filename: name,
		ContentType: typ, Stream: &ticket.AttachmentStream{Size: n, SHA256: sum.Sum(nil),
			Open: func() io.Reader { return io.NewSectionReader(tmp, 0, n) }}})
	return nil
}

// UploadAllowed is the rule every uploaded file follows, on the pages and
// in the API: its type, sniffed from head (its first bytes), must be one of
// types; it is stored under the name uploadFilename gives (n numbers a
// fallback name).
func UploadAllowed(name string, head []byte, types []string, n int) (stored, typ string, ok bool) {
	typ = sniffType(head[:min(len(head), sniffLen)])
	return uploadFilename(name, typ, n), typ, slices.Contains(types, typ)
}

// newTempFile makes a file in the system's temporary folder and unlinks it
// at once: it lives while open and leaves nothing behind after a crash.
func newTempFile() (*os.File, error) {
	tmp, err := os.CreateTemp("", "inboxdesk-upload-*")
	if err != nil {
		return nil, err
	}
	_ = os.Remove(tmp.Name())
	return tmp, nil
}

// prefixBuffer keeps the first max bytes written to it.
type prefixBuffer struct {
	bytes.Buffer
	max int
}

func (b *prefixBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// sniffType returns the media type of data without parameters.
func sniffType(data []byte) string {
	t, _, _ := mime.ParseMediaType(http.DetectContentType(data))
	return t
}

// otherExtensions are the extensions, besides mailparse.ExtensionFor's, that
// a file of a type may keep.
var otherExtensions = map[string][]string{
	"image/jpeg": {".jpeg"},
	"text/plain": {".log", ".csv"},
}

// uploadFilename is the name an uploaded file of the sniffed type typ is
// stored under: the inbound path's rule (no directories, control or bidi
// characters, leading dots; n numbers a fallback), and an extension that
// agrees with typ — "x.html" sniffed as PNG is stored as "x.png".
func uploadFilename(name, typ string, n int) string {
	name = mailparse.SanitizeFilename(name, n, typ)
	ext := strings.ToLower(path.Ext(name))
	want := mailparse.ExtensionFor(typ)
	if ext == want || slices.Contains(otherExtensions[typ], ext) {
		return name
	}
	return mailparse.SanitizeFilename(strings.TrimSuffix(name, path.Ext(name))+want, n, typ)
}
