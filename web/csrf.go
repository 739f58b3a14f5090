package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"time"
)

// Every form carries a CSRF token in the field "csrf", besides the
// cross-origin check (http.CrossOriginProtection) in front of all routes.
// A signed-in browser's token is its session's; before sign-in it is a
// random value also kept in a cookie (double submit).
const csrfField = "csrf"

// csrfToken returns the token the page's forms must carry, setting the
// pre-session cookie when the visitor has none yet.
func (s *Server) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if sess := sessionFrom(r); sess != nil {
		return sess.CSRF
	}
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	token := newToken()
	s.setCookie(w, csrfCookie, token, 24*time.Hour)
	// Later reads in this request (another form on the page) see the same token.
	r.AddCookie(&http.Cookie{Name: csrfCookie, Value: token})
	return token
}

// csrfValid reports whether the submitted token is the one this browser's
// forms carry.
func csrfValid(r *http.Request, submitted string) bool {
	want := ""
	if sess := sessionFrom(r); sess != nil {
		want = sess.CSRF
	} else if c, err := r.Cookie(csrfCookie); err == nil {
		want = c.Value
	}
	return len(want) >= 32 && subtle.ConstantTimeCompare([]byte(want), []byte(submitted)) == 1
}

func (s *Server) crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	s.log.Warn("web: cross-origin request refused", "method", r.Method, "path", r.URL.Path)
	s.renderError(w, r, http.StatusForbidden, "error_csrf")
}

func newToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
