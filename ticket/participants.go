package ticket

import (
	"errors"
	"time"
)

// ErrOwnAddress is returned for an address of our own (a support mailbox,
// the no-reply sender): it can never be a ticket's participant.
var ErrOwnAddress = errors.New("that address is one of the support desk's own")

// ErrInvalidAddress is returned for text that is not one email address.
var ErrInvalidAddress = errors.New("not a valid email address")

// Participant is a person on a ticket besides its requester: they get its
// alerts, each with a link bound to their own address, read its
// conversation (never internal notes) and write into it.
type Participant struct {
	CustomerID int64
	Email      string
	Name       string
	AddedBy    string // "mail", "agent:ID" or "customer:ID"
	CreatedAt  time.Time
}

// AddedBy says who adds a participant: an agent, or the ticket's requester
// on the web (exactly one is set).
type AddedBy struct {
	AgentID    int64
	CustomerID int64
}

func (a AddedBy) Actor() Actor {
	if a.AgentID != 0 {
		return AgentActor(a.AgentID)
	}
	return CustomerActor(a.CustomerID)
}
