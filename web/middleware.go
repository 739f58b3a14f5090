package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"

	"inboxdesk/auth"
)

// csp allows nothing inline and nothing from elsewhere: no inline script or
// style, images only from us (and data: URLs), no framing, forms only to us.
const csp = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
	"frame-ancestors 'none'; form-action 'self'; base-uri 'none'"

// contentPolicy is csp, allowing images from the brand logo's origin too
// (logoURL "" for none; brand.New made it an absolute https URL).
func contentPolicy(logoURL string) string {
	u, err := url.Parse(logoURL)
	if logoURL == "" || err != nil || u.Host == "" {
		return csp
	}
	return strings.Replace(csp, "img-src 'self' data:", "img-src 'self' data: https://"+u.Host, 1)
}

// cspRemoteImages is csp for a page where the visitor chose to see a
// message's remote images.
const cspRemoteImages = "default-src 'self'; img-src 'self' data: https: http:; style-src 'self'; " +
	"script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"

// withHeaders sets the security headers on every response. Pages are not
// cached (they show private data); static assets override that.
func (s *Server) withHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", s.csp)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		hd.Set("Cache-Control", "no-store")
		if s.secure {
			hd.Set("Strict-Transport-Security", "max-age=31536000")
		}
		h.ServeHTTP(w, r)
	})
}

func (s *Server) recoverPanics(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("web: panic", "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			}
		}()
		h.ServeHTTP(w, r)
	})
}

type ctxKey int

const sessionKey ctxKey = iota

// withSession loads the session named by the request's cookie, if it is
// alive, into the request's context. Static assets skip the lookup.
func (s *Server) withSession(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		if err != nil || c.Value == "" || strings.HasPrefix(r.URL.Path, "/static/") {
			h.ServeHTTP(w, r)
			return
		}
		sess, err := s.deps.Auth.SessionByID(r.Context(), c.Value)
		switch {
		case errors.Is(err, auth.ErrNotFound):
			s.clearCookie(w, sessionCookie)
		case err != nil:
			s.serverError(w, r, "load session", err)
			return
		default:
			r = r.WithContext(context.WithValue(r.Context(), sessionKey, sess))
		}
		h.ServeHTTP(w, r)
	})
}

// sessionFrom returns the request's live session, or nil.
func sessionFrom(r *http.Request) *auth.Session {
	sess, _ := r.Context().Value(sessionKey).(*auth.Session)
	return sess
}

// customer lets only a signed-in customer through; a visitor is sent to
// sign in, an agent gets 403 (customer pages are not theirs).
func (s *Server) customer(h http.HandlerFunc) http.HandlerFunc {
	return s.requireRole(auth.RoleCustomer, h)
}

// agent lets only a signed-in agent through; customers and visitors get the
// agent sign-in page or 403.
func (s *Server) agent(h http.HandlerFunc) http.HandlerFunc {
	return s.requireRole(auth.RoleAgent, h)
}

// admin lets only an agent whose role is admin through; any other agent
// gets 403.
func (s *Server) admin(h http.HandlerFunc) http.HandlerFunc {
	return s.agent(func(w http.ResponseWriter, r *http.Request) {
		if !sessionFrom(r).Admin {
			s.renderError(w, r, http.StatusForbidden, "error_admin_only")
			return
		}
		h(w, r)
	})
}

func (s *Server) requireRole(role auth.Role, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess := sessionFrom(r)
		switch {
		case sess == nil && r.Method == http.MethodGet:
			http.Redirect(w, r, s.path(signInPath(role)), http.StatusSeeOther)
		case sess == nil:
			s.renderError(w, r, http.StatusForbidden, "error_signed_out")
		case sess.Role != role:
			s.renderError(w, r, http.StatusForbidden, "error_forbidden")
		default:
			h(w, r)
		}
	}
}

func signInPath(role auth.Role) string {
	if role == auth.RoleAgent {
		return "/agent/login"
	}
	return "/login"
}

// signedIn lets any signed-in role through.
func (s *Server) signedIn(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if sessionFrom(r) == nil {
			s.notFound(w, r)
			return
		}
		h(w, r)
	}
}

func (s *Server) serverError(w http.ResponseWriter, r *http.Request, op string, err error) {
	s.log.Error("web: "+op, slog.Any("err", err), "path", r.URL.Path)
	s.renderError(w, r, http.StatusInternalServerError, "error_server")
}
