package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"inboxdesk/auth"
)

// caller is who a request comes from: the token and its agent.
type caller struct {
	token *auth.APIToken
}

// guard checks the bearer token, its scope and its rate before rt runs.
func (a *API) guard(rt route) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if rt.scope == "" {
			rt.handle(a, w, r, nil)
			return
		}
		secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="inboxdesk"`)
			problem(w, http.StatusUnauthorized, "token required", "send Authorization: Bearer TOKEN")
			return
		}
		tok, err := a.deps.Auth.APITokenBySecret(r.Context(), strings.TrimSpace(secret))
		if errors.Is(err, auth.ErrTokenInvalid) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="inboxdesk", error="invalid_token"`)
			problem(w, http.StatusUnauthorized, "token not valid", "the token is unknown or revoked")
			return
		}
		if err != nil {
			a.storeProblem(w, r, err)
			return
		}
		if !tok.Scope.Allows(rt.scope) {
			problem(w, http.StatusForbidden, "scope too small", "this needs a token with the "+string(rt.scope)+" scope")
			return
		}
		if wait := a.limits.take(tok.ID, time.Now()); wait > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds()+0.999)))
			problem(w, http.StatusTooManyRequests, "rate limit", "too many requests with this token; retry later")
			return
		}
		rt.handle(a, w, r, &caller{token: tok})
	}
}

// limiter is a token bucket per API token: rate requests per period, bursts
// up to rate. It is kept in memory, so each replica counts on its own.
type limiter struct {
	mu      sync.Mutex
	rate    float64
	period  time.Duration
	buckets map[int64]*bucket
}

type bucket struct {
	left float64
	at   time.Time
}

func newLimiter(rate int, period time.Duration) *limiter {
	return &limiter{rate: float64(rate), period: period, buckets: map[int64]*bucket{}}
}

// take spends one request of token id, or says how long to wait for one.
func (l *limiter) take(id int64, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[id]
	if b == nil {
		b = &bucket{left: l.rate, at: now}
		l.buckets[id] = b
	}
	perReq := l.period / time.Duration(l.rate)
	b.left = min(l.rate, b.left+float64(now.Sub(b.at))/float64(perReq))
	b.at = now
	if b.left < 1 {
		return time.Duration((1 - b.left) * float64(perReq))
	}
	b.left--
	return 0
}
