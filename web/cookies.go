package web

import (
	"net/http"
	"time"

	"inboxdesk/auth"
)

// Cookie names. Values are secrets (session, csrf) or a language code.
const (
	sessionCookie = "inboxdesk_session"
	csrfCookie    = "inboxdesk_csrf" // double-submit token for forms shown before sign-in
	langCookie    = "inboxdesk_lang"
	// codeCookie is the browser's secret nonce a one-time code is bound to:
	// only the browser that asked for a code can use it.
	codeCookie = "inboxdesk_code"
	// deviceCookie marks a browser an agent signed in from: failed sign-ins
	// by others never refuse it the right password.
	deviceCookie = "inboxdesk_device"
)

func (s *Server) cookiePath() string {
	if s.basePath == "" {
		return "/"
	}
	return s.basePath
}

func (s *Server) setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     s.cookiePath(),
		MaxAge:   int(maxAge / time.Second),
		HttpOnly: true,
		Secure:   s.secure,
		SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: s.cookiePath(), MaxAge: -1,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

// startSession signs the browser in as role/who: any session it had ends
// (a new id on every sign-in), the cookie lives as long as the session may.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, role auth.Role, who int64) error {
	if old, err := r.Cookie(sessionCookie); err == nil && old.Value != "" {
		if err := s.deps.Auth.DeleteSession(r.Context(), old.Value); err != nil {
			return err
		}
	}
	sess, err := s.deps.Auth.CreateSession(r.Context(), role, who)
	if err != nil {
		return err
	}
	s.setCookie(w, sessionCookie, sess.ID, sess.ExpiresAt.Sub(s.now()))
	s.clearCookie(w, csrfCookie)
	return nil
}

// codeNonce returns the browser's code nonce, setting the cookie when it has
// none yet.
func (s *Server) codeNonce(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(codeCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	nonce := newToken()
	s.setCookie(w, codeCookie, nonce, 24*time.Hour)
	r.AddCookie(&http.Cookie{Name: codeCookie, Value: nonce})
	return nonce
}

// codeNonceSent returns the nonce the browser sent ("" when none).
func codeNonceSent(r *http.Request) string {
	if c, err := r.Cookie(codeCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	return ""
}
