package delivery_test

import (
	"errors"
	"fmt"
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
