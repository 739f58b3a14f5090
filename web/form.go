package web

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"inboxdesk/ticket"
)

// maxFieldBytes caps one text field (a reply is text, not a novel).
const maxFieldBytes = 1 << 20

// uploadReadTimeout is how long a form with files may take to arrive; the
// server's read timeout is shorter and suits everything else.
const uploadReadTimeout = 10 * time.Minute

// form is a submitted form: its text fields, the files that passed the
// upload rules, and why the others did not. A form whose body was larger
// than allowed keeps the fields read before the limit (browsers send fields
// in page order, so the text before the file input survives). Files wait in
// temporary storage until close.
type form struct {
	values   url.Values
	files    []ticket.Attachment
	rejected []rejectedFile
	tooLarge bool
	temps    []io.Closer
}

// rejectedFile is a file refused by the upload rules; Reason is a message key.
type rejectedFile struct {
	Name   string
	Reason string
}

func (f *form) get(name string) string { return f.values.Get(name) }

// close lets go of the form's temporary files.
func (f *form) close() {
	for _, c := range f.temps {
		_ = c.Close()
	}
}

var (
	errBadText  = errors.New("a field holds a NUL byte or invalid UTF-8")
	errCSRFLate = errors.New("the form's first field is not a valid CSRF token")
)

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

// postFiles is post for a form with file uploads: the CSRF token must be
// the body's first field and is checked before anything else is read; files
// are streamed to temporary storage through the upload rules; at most
// MaxConcurrentUploads such forms are read at once (others get 503). Use it
// only behind a sign-in check.
func (s *Server) postFiles(h postHandler) http.HandlerFunc {
	read := s.postForm(true, h)
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case s.uploads <- struct{}{}:
			defer func() { <-s.uploads }()
		default:
			s.log.Warn("web: upload refused, too many at once", "path", r.URL.Path)
			w.Header().Set("Retry-After", "5")
			w.Header().Set("Connection", "close")
			s.renderError(w, r, http.StatusServiceUnavailable, "error_busy")
			return
		}
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(uploadReadTimeout))
		read(w, r)
	}
}

func (s *Server) postForm(uploads bool, h postHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f, err := s.readForm(w, r, uploads)
		if err == nil {
			defer f.close()
			err = f.checkText()
		}
		switch {
		case errors.Is(err, errCSRFLate):
			s.csrfRefused(w, r)
			return
		case err != nil:
			s.log.Info("web: unreadable form", "path", r.URL.Path, "err", err)
			s.renderError(w, r, http.StatusBadRequest, "error_bad_form")
			return
		case !csrfValid(r, f.get(csrfField)):
			s.csrfRefused(w, r)
			return
		}
		h(w, r, f)
	}
}

// csrfRefused answers a form without a valid token. The connection closes,
// so that the rest of a large body is not read.
func (s *Server) csrfRefused(w http.ResponseWriter, r *http.Request) {
	s.log.Warn("web: form without a valid CSRF token refused", "path", r.URL.Path)
	w.Header().Set("Connection", "close")
	s.renderError(w, r, http.StatusForbidden, "error_csrf")
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
	token, err := checkFirstPart(r, mr)
	if err != nil {
		return nil, err
	}
	f := &form{values: url.Values{csrfField: {token}}}
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
			f.close()
			return nil, err
		}
	}
}

// checkFirstPart reads the multipart body's first part, which must be the
// CSRF field (our forms put it first), and checks the token, so that a
// forged form is refused before its files are read.
func checkFirstPart(r *http.Request, mr *multipart.Reader) (string, error) {
	p, err := mr.NextPart()
	if err != nil {
		return "", errCSRFLate
	}
	defer p.Close()
	if p.FormName() != csrfField || p.FileName() != "" {
		return "", errCSRFLate
	}
	token, err := io.ReadAll(io.LimitReader(p, 256))
	if err != nil || !csrfValid(r, string(token)) {
		return "", errCSRFLate
	}
	return string(token), nil
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
