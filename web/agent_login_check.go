package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"inboxdesk/auth"
)

// deviceCookieAge is how long a browser keeps the secret that marks it as
// one an agent signed in from.
const deviceCookieAge = 180 * 24 * time.Hour

// agentLoginCheck signs an agent in with address and password. Every wrong
// combination (unknown address, wrong password, disabled account) gets the
// same message; failures slow further tries from the failing client (and,
// when many, from browsers the agent never used) but never refuse a browser
// the agent signed in from before (auth.AgentLogin counts them).
func (s *Server) agentLoginCheck(w http.ResponseWriter, r *http.Request, f *form) {
	email := f.get("email")
	device := ""
	if c, err := r.Cookie(deviceCookie); err == nil {
		device = c.Value
	}
	a, device, err := s.deps.Auth.AgentLogin(r.Context(),
		auth.LoginAttempt{Email: email, Password: f.get("password"), IP: s.clientIP(r), Device: device})
	var status int
	var n *notice
	var slow *auth.LoginDelayError
	switch {
	case errors.Is(err, auth.ErrBadLogin):
		status, n = http.StatusUnauthorized, note("agent_login_wrong")
	case errors.As(err, &slow):
		secs := int((slow.Wait + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		status, n = http.StatusTooManyRequests, note("agent_login_slowed", secs)
	case errors.Is(err, auth.ErrTooManyLogins):
		status, n = http.StatusTooManyRequests, note("agent_login_too_many")
	case err != nil:
		s.serverError(w, r, "agent login", err)
		return
	}
	if n != nil {
		s.log.Info("web: agent sign-in refused", "to", maskEmail(email), "reason", n.Key)
		s.render(w, r, status, "agent_login", &page{Data: agentLoginData{Email: email}, Error: n}, "")
		return
	}
	if err := s.startSession(w, r, auth.RoleAgent, a.ID); err != nil {
		s.serverError(w, r, "start session", err)
		return
	}
	s.setCookie(w, deviceCookie, device, deviceCookieAge)
	s.log.Info("web: agent signed in", "agent", a.ID)
	http.Redirect(w, r, s.path("/agent"), http.StatusSeeOther)
}
