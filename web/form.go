package web

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"inboxdesk/ticket"
)

// maxFieldBytes caps one text field (a reply is text, not a novel).
const maxFieldBytes = 1 << 20

// form is a submitted form: its text fields, the files that passed the
// upload rules, and why the others did not. A form whose body was larger
// than allowed keeps the fields read before the limit (browsers send fields
// in page order, so the text before the file input survives).
type form struct {
	values   url.Values
	files    []ticket.Attachment
	rejected []rejectedFile
	tooLarge bool
}

// rejectedFile is a file refused by the upload rules; Reason is a message key.
type rejectedFile struct {
	Name   string
	Reason string
}

func (f *form) get(name string) string { return f.values.Get(name) }

var errBadText = errors.New("a field holds a NUL byte or invalid UTF-8")

// checkText refuses a form whose field names or values are not valid UTF-8
// or hold a NUL byte: no page or store takes such text, so it is a bad
// request however it came.
func (f *form) checkText() error {
	for k, vs := range f.values {
		if !storableText(k) {
			return errBadText
		}
		for _, v := range vs {
			if !storableText(v) {
				return errBadText
			}
		}
	}
	return nil
}

func storableText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// postHandler handles a POST whose form is read and whose CSRF token is checked.
type postHandler func(w http.ResponseWriter, r *http.Request, f *form)

// post reads a small form without files and lets it through only with a
// valid CSRF token.
func (s *Server) post(h postHandler) http.HandlerFunc { return s.postForm(false, h) }

// postFiles is post for a form with file uploads, streamed through the
// upload rules. Use it only behind a sign-in check: it reads large bodies.
func (s *Server) postFiles(h postHandler) http.HandlerFunc { return s.postForm(true, h) }

func (s *Server) postForm(uploads bool, h postHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f, err := s.readForm(w, r, uploads)
		if err == nil {
			err = f.checkText()
		}
		if err != nil {
			s.log.Info("web: unreadable form", "path", r.URL.Path, "err", err)
			s.renderError(w, r, http.StatusBadRequest, "error_bad_form")
			return
		}
		if !csrfValid(r, f.get(csrfField)) {
			s.log.Warn("web: form without a valid CSRF token refused", "path", r.URL.Path)
			s.renderError(w, r, http.StatusForbidden, "error_csrf")
			return
		}
		h(w, r, f)
	}
}

func (s *Server) readForm(w http.ResponseWriter, r *http.Request, uploads bool) (*form, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" || !uploads {
		r.Body = http.MaxBytesReader(w, r.Body, maxFieldBytes+4096)
		if err := r.ParseForm(); err != nil {
			return nil, err
		}
		return &form{values: r.PostForm}, nil
	}
	limit := int64(s.cfg.MaxUploadFiles)*s.cfg.MaxUploadBytes + maxFieldBytes
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, err
	}
	f := &form{values: url.Values{}}
	for {
		err := s.readPart(mr, f)
		var tooBig *http.MaxBytesError
		switch {
		case errors.Is(err, io.EOF):
			return f, nil
		case errors.As(err, &tooBig):
			f.tooLarge = true
			return f, nil
		case err != nil:
			return nil, err
		}
	}
}

// readPart reads the next part into f; io.EOF when there is none.
func (s *Server) readPart(mr *multipart.Reader, f *form) error {
	p, err := mr.NextPart()
	if err != nil {
		return err
	}
	defer p.Close()
	if p.FileName() == "" {
		if p.Header.Get("Content-Type") != "" && p.FormName() == "files" {
			return nil // an empty file input
		}
		b, err := io.ReadAll(io.LimitReader(p, maxFieldBytes+1))
		if err != nil {
			return err
		}
		if len(b) > maxFieldBytes {
			return &http.MaxBytesError{Limit: maxFieldBytes}
		}
		f.values.Add(p.FormName(), string(b))
		return nil
	}
	if p.FormName() != "files" {
		_, err := io.Copy(io.Discard, p)
		return err
	}
	return s.readFile(p, f)
}

// readFile reads one uploaded file and applies the rules: size, count, and
// type as sniffed from the bytes.
func (s *Server) readFile(p *multipart.Part, f *form) error {
	name := cleanFilename(p.FileName())
	data, err := io.ReadAll(io.LimitReader(p, s.cfg.MaxUploadBytes+1))
	if err != nil {
		return err
	}
	reject := func(reason string) error {
		f.rejected = append(f.rejected, rejectedFile{Name: name, Reason: reason})
		_, err := io.Copy(io.Discard, p)
		return err
	}
	switch {
	case len(data) == 0:
		return reject("upload_empty")
	case int64(len(data)) > s.cfg.MaxUploadBytes:
		return reject("upload_too_big")
	case len(f.files) >= s.cfg.MaxUploadFiles:
		return reject("upload_too_many")
	}
	typ := sniffType(data)
	if !slices.Contains(s.cfg.UploadTypes, typ) {
		return reject("upload_type")
	}
	f.files = append(f.files, ticket.Attachment{Filename: name, ContentType: typ, Data: data})
	return nil
}

// sniffType returns the media type of data without parameters.
func sniffType(data []byte) string {
	t, _, _ := mime.ParseMediaType(http.DetectContentType(data))
	return t
}

// cleanFilename keeps the last path element of a browser-sent name, without
// control characters, at most 200 bytes; "file" when nothing is left.
func cleanFilename(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '/' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(strings.ToValidUTF8(name, ""))
	for len(name) > 200 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	if name == "" || name == "." || name == ".." {
		return "file"
	}
	return name
}
