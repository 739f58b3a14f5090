package delivery_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"inboxdesk/delivery"
)

// refusal is a channel's own error that knows whether it is for good.
type refusal struct{ final bool }

func (r refusal) Error() string   { return "refused" }
func (r refusal) Permanent() bool { return r.final }

type wait time.Duration

func (w wait) Error() string             { return "slow down" }
func (w wait) RetryAfter() time.Duration { return time.Duration(w) }

func TestIsPermanent(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"plain error", errors.New("timeout"), false},
		{"marked", delivery.Permanent(errors.New("bad address")), true},
		{"marked, then wrapped", fmt.Errorf("alert 7: %w", delivery.Permanent(errors.New("bad address"))), true},
		{"channel's own, for good", fmt.Errorf("send: %w", refusal{final: true}), true},
		{"channel's own, temporary", fmt.Errorf("send: %w", refusal{final: false}), false},
		{"temporary inside a mark", delivery.Permanent(refusal{final: false}), true},
		{"a wait is temporary", wait(time.Minute), false},
		{"nil", nil, false},
	}
	for _, tt := range tests {
		if got := delivery.IsPermanent(tt.err); got != tt.want {
			t.Errorf("%s: IsPermanent = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestPermanentKeepsTheError(t *testing.T) {
	if delivery.Permanent(nil) != nil {
		t.Error("Permanent(nil) is not nil")
	}
	base := wait(time.Hour)
	err := delivery.Permanent(base)
	var ra delivery.RetryAfterer
	if err.Error() != "slow down" || !errors.As(err, &ra) || ra.RetryAfter() != time.Hour {
		t.Errorf("Permanent(%v) = %v, lost what it wraps", base, err)
	}
}

// reply words itself for the record, as an SMTP reply does.
type reply struct{ code, text string }

func (r reply) Error() string  { return "smtp RCPT TO: " + r.code + " " + r.text }
func (r reply) Answer() string { return r.code + " " + r.text }

func TestAnswer(t *testing.T) {
	long := strings.Repeat("é", 400) // 800 bytes: cut at 500, on a rune boundary
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"plain", errors.New("dial tcp: connection refused"), "dial tcp: connection refused"},
		{"reply, wrapped", fmt.Errorf("alert 7: %w", reply{"550", "5.1.1 no\r\n such user"}), "550 5.1.1 no such user"},
		{"long", errors.New(long), strings.Repeat("é", 250)},
	}
	for _, tt := range tests {
		if got := delivery.Answer(tt.err); got != tt.want {
			t.Errorf("%s: Answer = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestRetryDelay(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want time.Duration
	}{
		{"no wait asked: the backoff", errors.New("451"), time.Minute},
		{"a shorter wait: the backoff", fmt.Errorf("push: %w", wait(time.Second)), time.Minute},
		{"a longer wait", fmt.Errorf("push: %w", wait(10*time.Minute)), 10 * time.Minute},
		{"past the limit: the limit", wait(48 * time.Hour), 6 * time.Hour},
	}
	for _, tt := range tests {
		if got := delivery.RetryDelay(tt.err, time.Minute, 6*time.Hour); got != tt.want {
			t.Errorf("%s: RetryDelay = %v, want %v", tt.name, got, tt.want)
		}
	}
}
