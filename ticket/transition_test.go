package ticket

import (
	"errors"
	"testing"
	"time"
)

// transitionCases is every (status, action) pair and what it gives: the
// status after it, "" where the action may not be taken, and whether an
// agent is offered it as a button.
var transitionCases = []struct {
	from    Status
	act     Action
	want    Status
	offered bool
}{
	{StatusOpen, ActReply, StatusOpen, true},
	{StatusPending, ActReply, StatusPending, true},
	{StatusResolved, ActReply, StatusResolved, true},
	{StatusClosed, ActReply, StatusClosed, true},

	{StatusOpen, ActNote, StatusOpen, true},
	{StatusPending, ActNote, StatusPending, true},
	{StatusResolved, ActNote, StatusResolved, true},
	{StatusClosed, ActNote, StatusClosed, true},

	{StatusOpen, ActRequestInfo, StatusPending, true},
	{StatusPending, ActRequestInfo, StatusPending, true}, // a follow-up question
	{StatusResolved, ActRequestInfo, "", false},
	{StatusClosed, ActRequestInfo, "", false},

	{StatusOpen, ActResolve, StatusResolved, true},
	{StatusPending, ActResolve, StatusResolved, true},
	{StatusResolved, ActResolve, StatusResolved, false}, // allowed, but no button: a second alert
	{StatusClosed, ActResolve, "", false},

	{StatusOpen, ActReopen, StatusOpen, false}, // allowed, but no button: nothing changes
	{StatusPending, ActReopen, StatusOpen, true},
	{StatusResolved, ActReopen, StatusOpen, true},
	{StatusClosed, ActReopen, StatusOpen, true},

	{StatusOpen, ActCustomerMail, StatusOpen, false},
	{StatusPending, ActCustomerMail, StatusOpen, false},
	{StatusResolved, ActCustomerMail, StatusOpen, false},
	{StatusClosed, ActCustomerMail, "", false}, // a new ticket that links it opens instead

	{StatusOpen, ActCustomerWeb, StatusOpen, false},
	{StatusPending, ActCustomerWeb, StatusOpen, false},
	{StatusResolved, ActCustomerWeb, StatusOpen, false},
	{StatusClosed, ActCustomerWeb, StatusOpen, false},

	{StatusOpen, ActAutoClose, "", false},
	{StatusPending, ActAutoClose, "", false},
	{StatusResolved, ActAutoClose, StatusClosed, false},
	{StatusClosed, ActAutoClose, "", false},

	{StatusOpen, ActMerge, StatusClosed, false},
	{StatusPending, ActMerge, StatusClosed, false},
	{StatusResolved, ActMerge, StatusClosed, false},
	{StatusClosed, ActMerge, StatusClosed, false},
}

var agentActions = map[Action]bool{ActReply: true, ActNote: true, ActRequestInfo: true, ActResolve: true, ActReopen: true}

func TestTransitionEveryPair(t *testing.T) {
	seen := map[Action]int{}
	for _, c := range transitionCases {
		seen[c.act]++
		got, err := Transition(c.from, c.act)
		switch {
		case c.want == "" && !errors.Is(err, ErrInvalidMove):
			t.Errorf("%s on %s: got %s, %v; want ErrInvalidMove", c.act, c.from, got, err)
		case c.want != "" && (err != nil || got != c.want):
			t.Errorf("%s on %s: got %s, %v; want %s", c.act, c.from, got, err, c.want)
		}
		if agentActions[c.act] && Offered(c.from, c.act) != c.offered {
			t.Errorf("%s on %s: offered %v, want %v", c.act, c.from, !c.offered, c.offered)
		}
	}
	// Every action of the machine is in the table, with every status.
	for a := range transitions {
		if seen[a] != 4 {
			t.Errorf("%s: %d statuses in the table, want 4", a, seen[a])
		}
	}
	if len(seen) != len(transitions) {
		t.Errorf("the table has %d actions, the machine %d", len(seen), len(transitions))
	}
}

func TestApplyStampsResolvedAt(t *testing.T) {
	before := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	now := before.Add(time.Hour)
	cases := []struct {
		from Status
		act  Action
		want time.Time
	}{
		{StatusOpen, ActResolve, now},
		{StatusResolved, ActReply, now}, // the auto-close wait starts again
		{StatusResolved, ActCustomerMail, time.Time{}},
		{StatusClosed, ActReopen, time.Time{}},
		{StatusResolved, ActAutoClose, before},
		{StatusPending, ActNote, before},
		{StatusResolved, ActMerge, before},
	}
	for _, c := range cases {
		tk := Ticket{Status: c.from, ResolvedAt: before}
		if err := tk.Apply(c.act, now); err != nil {
			t.Fatalf("%s on %s: %v", c.act, c.from, err)
		}
		if !tk.ResolvedAt.Equal(c.want) {
			t.Errorf("%s on %s: resolved at %v, want %v", c.act, c.from, tk.ResolvedAt, c.want)
		}
	}
	tk := Ticket{Status: StatusClosed, ResolvedAt: before}
	if err := tk.Apply(ActResolve, now); !errors.Is(err, ErrInvalidMove) || tk.Status != StatusClosed || !tk.ResolvedAt.Equal(before) {
		t.Errorf("refused move changed the ticket: %v, %s, %v", err, tk.Status, tk.ResolvedAt)
	}
}
