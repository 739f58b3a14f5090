package oauth

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/oauth2"
)

// GrantError is a grant that cannot give an access token now. Broken means
// the provider refused it and only `inboxdesk oauth renew` helps; otherwise
// the refresh is retried after RetryAt.
type GrantError struct {
	Grant   string
	Reason  string
	Broken  bool
	RetryAt time.Time
}

func (e *GrantError) Error() string {
	if e.Broken {
		return fmt.Sprintf("oauth grant %s can no longer sign in (%s): run `inboxdesk oauth renew %s`",
			e.Grant, e.Reason, e.Grant)
	}
	return fmt.Sprintf("oauth grant %s: token refresh failed (%s), next try after %s",
		e.Grant, e.Reason, e.RetryAt.UTC().Format(time.RFC3339))
}

// AccessToken returns a live access token of the named grant, refreshing
// it when it is about to expire. The refresh runs under the grant's row
// lock: a second process (replica) asking at the same time waits and then
// uses the token the first one saved. A rotated refresh token is written in
// the same transaction. A refused grant, or one that failed within its
// backoff, returns *GrantError at once without asking the provider again.
func (s *Store) AccessToken(ctx context.Context, name string) (string, error) {
	var tok string
	var failed error
	err := s.locked(ctx, name, func(g *Grant) (bool, error) {
		now := s.opts.Now()
		switch {
		case g.AccessToken != "" && now.Before(g.UseUntil):
			tok = g.AccessToken
			return false, nil
		case g.Broken:
			failed = &GrantError{Grant: name, Reason: g.LastError, Broken: true}
			return false, nil
		case now.Before(g.RetryAt):
			failed = &GrantError{Grant: name, Reason: g.LastError, RetryAt: g.RetryAt}
			return false, nil
		}
		tok, failed = s.refresh(ctx, g)
		return true, nil
	})
	if err != nil {
		return "", fmt.Errorf("oauth grant %s: %w", name, err)
	}
	return tok, failed
}

// refresh asks the provider for a new access token and records the outcome
// in g (the caller saves it).
func (s *Store) refresh(ctx context.Context, g *Grant) (string, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, s.opts.HTTP)
	t, err := g.config().TokenSource(ctx, &oauth2.Token{RefreshToken: g.RefreshToken}).Token()
	now := s.opts.Now()
	if err != nil {
		g.Failures++
		g.LastError = reason(err)
		g.Broken = refused(err)
		g.RetryAt = now.Add(s.backoff(g.Failures))
		s.observe(g.Name, err, g.Broken)
		return "", &GrantError{Grant: g.Name, Reason: g.LastError, Broken: g.Broken, RetryAt: g.RetryAt}
	}
	if t.RefreshToken != "" {
		g.RefreshToken = t.RefreshToken // rotated: the old one is dead from now on
	}
	g.AccessToken, g.UseUntil, g.RefreshedAt = t.AccessToken, useUntil(now, t.Expiry), now
	g.LastError, g.Broken, g.Failures, g.RetryAt = "", false, 0, time.Time{}
	s.observe(g.Name, nil, false)
	return t.AccessToken, nil
}

// useUntil is when an access token expiring at expiry stops being used: a
// quarter of its lifetime (at most a minute) early, so that a sign-in never
// presents a token that expires on the way.
func useUntil(now, expiry time.Time) time.Time {
	if expiry.IsZero() {
		return now.Add(30 * time.Minute)
	}
	return expiry.Add(-min(time.Minute, expiry.Sub(now)/4))
}

func (s *Store) backoff(failures int) time.Duration {
	d := 5 * time.Second
	for i := 1; i < failures && d < s.opts.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, s.opts.MaxBackoff)
}

func (s *Store) observe(name string, err error, broken bool) {
	if s.opts.Observe != nil {
		s.opts.Observe(name, err, broken)
	}
}

// Expire marks token, if it is still the grant's access token, as no longer
// usable, so that the next AccessToken refreshes (a server refused it).
func (s *Store) Expire(ctx context.Context, name, token string) error {
	return s.locked(ctx, name, func(g *Grant) (bool, error) {
		if g.AccessToken != token {
			return false, nil
		}
		g.AccessToken, g.UseUntil = "", time.Time{}
		return true, nil
	})
}
