package ticket

import (
	"fmt"
	"time"
)

// Action is what may move a ticket's status: what an agent does on the web
// view or the API, a customer writing, the auto-close of tickets resolved
// long ago, a merge.
type Action string

const (
	ActReply       Action = "reply"        // public reply; customer alerted
	ActNote        Action = "note"         // internal note; nobody alerted
	ActRequestInfo Action = "request_info" // public reply asking for details; status pending
	ActResolve     Action = "resolve"      // status resolved (optional public reply)
	ActReopen      Action = "reopen"       // status open

	ActCustomerMail Action = "customer_mail" // the requester or a participant wrote by mail
	ActCustomerWeb  Action = "customer_web"  // the requester or a participant wrote on the ticket page
	ActAutoClose    Action = "auto_close"    // the ticket was resolved long enough ago
	ActMerge        Action = "merge"         // the ticket was merged into another
)

// AgentAction is an Action an agent takes from the web view or the API
// (reply, note, request_info, resolve, reopen); storage's Act refuses the others.
type AgentAction = Action

// transitions is the status machine: for each action, the status it leads
// to from each status it may be taken in. A status missing from an
// action's row may not take it.
var transitions = map[Action]map[Status]Status{
	ActReply:       stays(StatusOpen, StatusPending, StatusResolved, StatusClosed),
	ActNote:        stays(StatusOpen, StatusPending, StatusResolved, StatusClosed),
	ActRequestInfo: leadsTo(StatusPending, StatusOpen, StatusPending),
	ActResolve:     leadsTo(StatusResolved, StatusOpen, StatusPending, StatusResolved),
	ActReopen:      leadsTo(StatusOpen, StatusOpen, StatusPending, StatusResolved, StatusClosed),
	// Mail to a closed ticket opens a new ticket that links it instead.
	ActCustomerMail: leadsTo(StatusOpen, StatusOpen, StatusPending, StatusResolved),
	// On the page the customer is on the ticket itself: a closed one reopens.
	ActCustomerWeb: leadsTo(StatusOpen, StatusOpen, StatusPending, StatusResolved, StatusClosed),
	ActAutoClose:   leadsTo(StatusClosed, StatusResolved),
	ActMerge:       leadsTo(StatusClosed, StatusOpen, StatusPending, StatusResolved, StatusClosed),
}

func stays(from ...Status) map[Status]Status {
	m := map[Status]Status{}
	for _, s := range from {
		m[s] = s
	}
	return m
}

func leadsTo(next Status, from ...Status) map[Status]Status {
	m := map[Status]Status{}
	for _, s := range from {
		m[s] = next
	}
	return m
}

// Transition is the status a ticket in status from takes after action a,
// or ErrInvalidMove when a may not be taken in from. It is the one place
// that decides a status: every status the store writes comes from here.
func Transition(from Status, a Action) (Status, error) {
	next, ok := transitions[a][from]
	if !ok {
		return from, fmt.Errorf("%w: %s on a %s ticket", ErrInvalidMove, a, from)
	}
	return next, nil
}

// Apply takes action a on t at now: its status moves as Transition says,
// and the time it was resolved with it — stamped whenever it ends resolved
// (an agent's word on a resolved ticket starts its auto-close wait again),
// cleared when it is open again, kept while pending or closed (auto-close
// and the reopen window still read it).
func (t *Ticket) Apply(a Action, now time.Time) error {
	next, err := Transition(t.Status, a)
	if err != nil {
		return err
	}
	switch next {
	case StatusResolved:
		t.ResolvedAt = now
	case StatusOpen:
		t.ResolvedAt = time.Time{}
	}
	t.Status = next
	return nil
}

// Offered reports whether an agent is offered action a on a ticket in
// status st: the status machine must allow it, and resolving a resolved
// ticket again (a second "resolved" alert) or reopening an open one does
// nothing useful. Asking again on a pending ticket is a follow-up
// question, so it stays.
func Offered(st Status, a AgentAction) bool {
	next, err := Transition(st, a)
	if err != nil {
		return false
	}
	return next != st || (a != ActResolve && a != ActReopen)
}

// Done reports whether s ends the work on a ticket (resolved or closed): a
// customer who writes again reopens it, and their list shows it apart.
func (s Status) Done() bool { return s == StatusResolved || s == StatusClosed }
