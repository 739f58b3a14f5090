package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"golang.org/x/text/language"

	"inboxdesk/auth"
	"inboxdesk/brand"
)

// page is what every view gets: the layout's needs and the view's Data.
type page struct {
	Lang    string
	Langs   []string
	Session *auth.Session // nil for a visitor
	CSRF    string        // the token this page's forms carry
	Next    string        // this page's path and query, for the language links
	Error   *notice
	Flash   *notice
	Data    any
}

// render writes view with data in the visitor's language. hint is a
// language known for the visitor besides the session's ("" if none).
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, view string, p *page, hint string) {
	s.renderPart(w, r, status, view, "layout", p, hint)
}

// renderPart writes one named template of view (the whole page when part is
// "layout"; a fragment a live page swaps in otherwise).
func (s *Server) renderPart(w http.ResponseWriter, r *http.Request, status int, view, part string, p *page, hint string) {
	p.Lang = s.language(r, hint)
	p.Langs = s.views.languages()
	p.Session = sessionFrom(r)
	p.CSRF = s.csrfToken(w, r)
	p.Next = withoutNotice(r.URL)
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer putRenderBuffer(buf)
	if err := s.views.byLang[p.Lang][view].ExecuteTemplate(buf, part, p); err != nil {
		s.log.Error("web: render", "view", view, "part", part, slog.Any("err", err))
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	if status < http.StatusBadRequest {
		s.recordSiteLanguage(r, p.Lang)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", p.Lang)
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// renderBuffers recycles the buffers pages are rendered into: a ticket page
// is tens of kilobytes, and growing a fresh buffer for each request is most
// of what the garbage collector would otherwise have to do.
var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuffer keeps an unusually large page's buffer from staying alive.
const maxPooledBuffer = 1 << 20

func putRenderBuffer(b *bytes.Buffer) {
	if b.Cap() > maxPooledBuffer {
		return
	}
	b.Reset()
	renderBuffers.Put(b)
}

// withoutNotice is u's path and query without the parameters that show a
// one-time notice ("sent", "done"): switching language must not repeat it.
func withoutNotice(u *url.URL) string {
	q := u.Query()
	if !q.Has("sent") && !q.Has("done") {
		return u.RequestURI()
	}
	q.Del("sent")
	q.Del("done")
	next := *u
	next.RawQuery = q.Encode()
	return next.RequestURI()
}

type errorData struct{ Status int }

// renderError shows the error page with the message key.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, key string, args ...any) {
	s.render(w, r, status, "error", &page{Error: note(key, args...), Data: errorData{Status: status}}, "")
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusNotFound, "error_not_found")
}

// language picks the page language: the visitor's choice (cookie), the
// signed-in customer's known language, hint, Accept-Language, the default.
func (s *Server) language(r *http.Request, hint string) string {
	if c, err := r.Cookie(langCookie); err == nil && s.views.hasLanguage(c.Value) {
		return c.Value
	}
	if sess := sessionFrom(r); sess != nil && s.views.hasLanguage(sess.Language) {
		return sess.Language
	}
	if s.views.hasLanguage(hint) {
		return hint
	}
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	for _, t := range tags {
		if base, _ := t.Base(); s.views.hasLanguage(base.String()) {
			return base.String()
		}
	}
	return s.cfg.DefaultLanguage
}

// funcs are the template functions every language shares.
func (s *Server) funcs() template.FuncMap {
	versions := assetVersions()
	return template.FuncMap{
		"path":    s.path,
		"asset":   func(name string) string { return s.path("/static/" + name + "?v=" + versions[name]) },
		"pushKey": func() string { return s.cfg.PushPublicKey },
		"date":    s.localDate,
		"iso":     isoTime,
		"waited":  waited,
		"accept": func() string {
			return strings.Join(s.cfg.UploadTypes, ",")
		},
		"maxBytes": func() int64 { return s.cfg.MaxUploadBytes },
		"brand":    func() brand.Brand { return s.cfg.Brand },
		"brandCSS": func() string { return s.brandCSSURL },
	}
}

// assetVersions returns a short content hash per static file, so that a new
// release's CSS is not served from a stale cache.
func assetVersions() map[string]string {
	out := map[string]string{}
	entries, _ := fs.ReadDir(assets, "static")
	for _, e := range entries {
		b, _ := fs.ReadFile(assets, "static/"+e.Name())
		sum := sha256.Sum256(b)
		out[e.Name()] = hex.EncodeToString(sum[:4])
	}
	return out
}
