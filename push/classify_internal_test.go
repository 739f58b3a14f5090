package push

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"inboxdesk/delivery"
)

func TestClassify(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		code       int
		retryAfter string
		gone, perm bool
		wait       time.Duration
	}{
		{code: 201},
		{code: 404, gone: true},
		{code: 410, gone: true},
		{code: 429, retryAfter: "120", wait: 2 * time.Minute},
		{code: 429, retryAfter: now.Add(time.Hour).Format(http.TimeFormat), wait: time.Hour},
		{code: 503, retryAfter: "soon"},
		{code: 500},
		{code: 403}, // our VAPID setup refused: retried, failed after MaxTries
		{code: 400, perm: true},
		{code: 413, perm: true},
	}
	for _, c := range cases {
		resp := &http.Response{StatusCode: c.code, Status: http.StatusText(c.code), Header: http.Header{}}
		if c.retryAfter != "" {
			resp.Header.Set("Retry-After", c.retryAfter)
		}
		err := classify(resp, now)
		var ra delivery.RetryAfterer
		switch {
		case c.code == 201 && err != nil,
			errors.Is(err, errGone) != c.gone,
			err != nil && !c.gone && delivery.IsPermanent(err) != c.perm:
			t.Errorf("%d: %v (permanent %v)", c.code, err, delivery.IsPermanent(err))
		case c.wait > 0 && (!errors.As(err, &ra) || ra.RetryAfter() != c.wait):
			t.Errorf("%d Retry-After %q: %v, want a wait of %v", c.code, c.retryAfter, err, c.wait)
		}
	}
}
