// Package oauth2server is an in-process OAuth 2.0 authorization server for
// tests: the device authorization grant (RFC 8628), the authorization code
// grant with PKCE (RFC 7636) and a loopback redirect, the token endpoint with
// refresh tokens that can rotate, revocation, and token introspection
// (RFC 7662) for Dovecot's oauth2 passdb and the test SMTP server.
//
// Consent is given by Approve with the user code the client printed, as a
// person would type it at the verification address. Lifetimes are short
// and set per server, so tests see access tokens expire mid-run.
package oauth2server

import (
	"bufio"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// Options tunes a Server. Zero fields take the defaults in New.
type Options struct {
	Username  string        // who consents: introspection's username (default support@example.com)
	AccessTTL time.Duration // access token lifetime (default 2 s)
	Rotate    bool          // every refresh returns a new refresh token and kills the old one
	ClientID  string        // the only client accepted (default "inboxdesk-test")
}

// Server is a running authorization server. Its endpoints are URL+"/device",
// "/token", "/introspect" and "/verify".
type Server struct {
	URL  string
	opts Options
	http *httptest.Server

	mu       sync.Mutex
	pending  map[string]*deviceGrant // by device code
	byUser   map[string]*deviceGrant // by user code
	refresh  map[string]bool         // live refresh tokens
	access   map[string]time.Time    // access token → expiry
	codes    map[string]string       // authorization code → its PKCE S256 challenge
	counts   map[string]int          // requests per grant type / endpoint
	failNext int                     // token requests still to answer 503
}

type deviceGrant struct {
	userCode string
	approved bool
	expiry   time.Time
}

// New starts a server, stopped when the test ends.
func New(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.Username == "" {
		opts.Username = "support@example.com"
	}
	if opts.AccessTTL == 0 {
		opts.AccessTTL = 2 * time.Second
	}
	if opts.ClientID == "" {
		opts.ClientID = "inboxdesk-test"
	}
	s := &Server{opts: opts, pending: map[string]*deviceGrant{}, byUser: map[string]*deviceGrant{},
		refresh: map[string]bool{}, access: map[string]time.Time{}, counts: map[string]int{},
		codes: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /device", s.device)
	mux.HandleFunc("POST /token", s.token)
	mux.HandleFunc("POST /introspect", s.introspect)
	mux.HandleFunc("POST /verify", s.verify)
	mux.HandleFunc("GET /authorize", s.authorize)
	s.http = httptest.NewServer(mux)
	s.URL = s.http.URL
	t.Cleanup(s.http.Close)
	return s
}

// DeviceURL, AuthURL, TokenURL and IntrospectURL are the endpoints' addresses.
func (s *Server) DeviceURL() string     { return s.URL + "/device" }
func (s *Server) AuthURL() string       { return s.URL + "/authorize" }
func (s *Server) TokenURL() string      { return s.URL + "/token" }
func (s *Server) IntrospectURL() string { return s.URL + "/introspect" }

// ClientID is the client the server accepts.
func (s *Server) ClientID() string { return s.opts.ClientID }

// Username is the account every token belongs to.
func (s *Server) Username() string { return s.opts.Username }

// Approve gives consent to the device authorization with userCode; it
// reports whether such a pending authorization exists.
func (s *Server) Approve(userCode string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.byUser[userCode]
	if ok {
		g.approved = true
	}
	return ok
}

// IssueRefreshToken returns a new refresh token, as if the device flow had
// just completed with consent (for tests that need a grant, not the flow).
func (s *Server) IssueRefreshToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	rt := "rt-" + rand.Text()
	s.refresh[rt] = true
	return rt
}

// AccessTokenFor returns a new live access token, as a refresh would.
func (s *Server) AccessTokenFor() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newAccess()
}

// newAccess issues an access token (mu held).
func (s *Server) newAccess() string {
	at := "at-" + rand.Text()
	s.access[at] = time.Now().Add(s.opts.AccessTTL)
	return at
}

// RevokeAll withdraws consent: every refresh and access token stops working.
func (s *Server) RevokeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refresh = map[string]bool{}
	s.access = map[string]time.Time{}
}

// ExpireAccessTokens makes every access token issued so far inactive.
func (s *Server) ExpireAccessTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.access = map[string]time.Time{}
}

// FailTokenRequests makes the next n token requests answer 503.
func (s *Server) FailTokenRequests(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext = n
}

// Count returns how many requests of a kind the server answered: a grant
// type at the token endpoint ("refresh_token", "urn:ietf:params:oauth:grant-type:device_code"),
// or "device", "introspect", "introspect_active".
func (s *Server) Count(kind string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[kind]
}

// LiveRefreshTokens is how many refresh tokens still work.
func (s *Server) LiveRefreshTokens() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.refresh)
}

func (s *Server) device(w http.ResponseWriter, r *http.Request) {
	if r.FormValue("client_id") != s.opts.ClientID {
		oauthError(w, http.StatusUnauthorized, "invalid_client")
		return
	}
	g := &deviceGrant{userCode: userCode(), expiry: time.Now().Add(5 * time.Minute)}
	device := rand.Text()
	s.mu.Lock()
	s.pending[device], s.byUser[g.userCode] = g, g
	s.counts["device"]++
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"device_code": device, "user_code": g.userCode,
		"verification_uri": s.URL + "/verify", "expires_in": 300, "interval": 1})
}

// verify is the page a person would open: POST user_code=… approves.
func (s *Server) verify(w http.ResponseWriter, r *http.Request) {
	if !s.Approve(r.FormValue("user_code")) {
		http.Error(w, "unknown code", http.StatusNotFound)
		return
	}
	_, _ = w.Write([]byte("approved\n"))
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	kind := r.FormValue("grant_type")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[kind]++
	if s.failNext > 0 {
		s.failNext--
		oauthError(w, http.StatusServiceUnavailable, "temporarily_unavailable")
		return
	}
	if r.FormValue("client_id") != s.opts.ClientID {
		if id, _, ok := r.BasicAuth(); !ok || id != s.opts.ClientID {
			oauthError(w, http.StatusUnauthorized, "invalid_client")
			return
		}
	}
	switch kind {
	case "urn:ietf:params:oauth:grant-type:device_code":
		s.deviceToken(w, r.FormValue("device_code"))
	case "authorization_code":
		s.codeToken(w, r.FormValue("code"), r.FormValue("code_verifier"))
	case "refresh_token":
		rt := r.FormValue("refresh_token")
		if !s.refresh[rt] {
			oauthError(w, http.StatusBadRequest, "invalid_grant")
			return
		}
		if !s.opts.Rotate {
			s.issue(w, rt)
			return
		}
		delete(s.refresh, rt)
		s.issue(w, "")
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type")
	}
}

// authorize is the consent page: the person consents at once, and the
// browser is sent back to the client's loopback redirect with a code. Only
// loopback redirects and S256 challenges are accepted, as for native apps
// (RFC 8252).
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || redirect.Scheme != "http" || redirect.Hostname() != "127.0.0.1" {
		http.Error(w, "redirect_uri must be a loopback address", http.StatusBadRequest)
		return
	}
	if q.Get("client_id") != s.opts.ClientID || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" {
		http.Error(w, "bad client or PKCE challenge", http.StatusBadRequest)
		return
	}
	code := rand.Text()
	s.mu.Lock()
	s.codes[code] = q.Get("code_challenge")
	s.counts["authorize"]++
	s.mu.Unlock()
	back := redirect.Query()
	back.Set("code", code)
	back.Set("state", q.Get("state"))
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// codeToken redeems an authorization code whose PKCE verifier matches (mu held).
func (s *Server) codeToken(w http.ResponseWriter, code, verifier string) {
	challenge, ok := s.codes[code]
	delete(s.codes, code)
	sum := sha256.Sum256([]byte(verifier))
	if !ok || base64.RawURLEncoding.EncodeToString(sum[:]) != challenge {
		oauthError(w, http.StatusBadRequest, "invalid_grant")
		return
	}
	s.issue(w, "")
}

// deviceToken answers a device-code poll (mu held).
func (s *Server) deviceToken(w http.ResponseWriter, device string) {
	g, ok := s.pending[device]
	switch {
	case !ok:
		oauthError(w, http.StatusBadRequest, "invalid_grant")
	case time.Now().After(g.expiry):
		oauthError(w, http.StatusBadRequest, "expired_token")
	case !g.approved:
		oauthError(w, http.StatusBadRequest, "authorization_pending")
	default:
		delete(s.pending, device)
		delete(s.byUser, g.userCode)
		s.issue(w, "")
	}
}

// issue answers with a new access token and refresh token rt ("" = a new one) (mu held).
func (s *Server) issue(w http.ResponseWriter, rt string) {
	if rt == "" {
		rt = "rt-" + rand.Text()
		s.refresh[rt] = true
	}
	at := s.newAccess()
	writeJSON(w, http.StatusOK, map[string]any{"access_token": at, "token_type": "Bearer",
		"expires_in": int(s.opts.AccessTTL.Seconds()), "refresh_token": rt})
}

// introspect answers RFC 7662 (and Dovecot's oauth2 passdb): the token is
// read from the form or, for introspection_mode = auth, from Authorization.
func (s *Server) introspect(w http.ResponseWriter, r *http.Request) {
	tok := r.FormValue("token")
	if tok == "" {
		tok = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	}
	s.mu.Lock()
	exp, ok := s.access[tok]
	active := ok && time.Now().Before(exp)
	s.counts["introspect"]++
	if active {
		s.counts["introspect_active"]++
	}
	s.mu.Unlock()
	if !active {
		writeJSON(w, http.StatusOK, map[string]any{"active": false})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"active": true, "username": s.opts.Username,
		"client_id": s.opts.ClientID, "exp": exp.Unix(), "token_type": "Bearer"})
}

// Active reports whether tok is a live access token for username (for
// in-process servers that check XOAUTH2 the way Dovecot does).
func (s *Server) Active(username, tok string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts["introspect"]++
	exp, ok := s.access[tok]
	if ok && time.Now().Before(exp) && username == s.opts.Username {
		s.counts["introspect_active"]++
		return true
	}
	return false
}

func userCode() string {
	const letters = "BCDFGHJKLMNPQRSTVWXZ"
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = letters[int(b[i])%len(letters)]
	}
	return string(b[:4]) + "-" + string(b[4:])
}

func oauthError(w http.ResponseWriter, status int, code string) {
	writeJSON(w, status, map[string]string{"error": code})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// ApprovePrinted reads a client's output until it prints a user code this
// server issued, or the address of its consent page, and consents as the
// person would (entering the code, or opening the page in a browser, which
// follows the redirect back to the client). Then it drains the rest of r
// and returns once r ends.
func (s *Server) ApprovePrinted(r io.Reader) {
	sc := bufio.NewScanner(r)
	approved := false
	for sc.Scan() {
		if approved {
			continue
		}
		for _, word := range strings.Fields(sc.Text()) {
			word = strings.Trim(word, ".,:;")
			if strings.HasPrefix(word, s.AuthURL()+"?") {
				go browse(word)
				approved = true
			} else if s.Approve(word) {
				approved = true
			}
		}
	}
	_, _ = io.Copy(io.Discard, r)
}

// browse opens address as a browser would, following redirects.
func browse(address string) {
	resp, err := http.Get(address)
	if err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
