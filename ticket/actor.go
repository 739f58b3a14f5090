package ticket

import (
	"strconv"
	"strings"
)

// ActorKind is what kind of actor did something on a ticket.
type ActorKind string

const (
	ActorAgent    ActorKind = "agent"    // a person of the team, by agent id
	ActorCustomer ActorKind = "customer" // a customer, by customer id
	ActorSystem   ActorKind = "system"   // inboxdesk itself: auto-close, bounces, machine mail
	ActorMail     ActorKind = "mail"     // a mail, for the people it copies
)

// Actor is who did something, as an event records it.
type Actor struct {
	Kind ActorKind
	ID   int64 // the agent's or the customer's id; 0 for the system and mail
}

// AgentActor and CustomerActor name a person by id.
func AgentActor(id int64) Actor { return Actor{Kind: ActorAgent, ID: id} }

func CustomerActor(id int64) Actor { return Actor{Kind: ActorCustomer, ID: id} }

var (
	SystemActor = Actor{Kind: ActorSystem}
	MailActor   = Actor{Kind: ActorMail}
)

// Person reports whether the actor is named by an id (an agent or a customer).
func (a Actor) Person() bool { return a.Kind == ActorAgent || a.Kind == ActorCustomer }

// String is the actor as the API and the export show it, and as the
// events' actor column holds it: "agent:12", "customer:7", "system", "mail".
func (a Actor) String() string {
	if a.Person() {
		return string(a.Kind) + ":" + strconv.FormatInt(a.ID, 10)
	}
	return string(a.Kind)
}

// ParseActor reads an actor in the form String writes. A form it does not
// know is kept whole as the kind, so that nothing stored is lost.
func ParseActor(s string) Actor {
	kind, id, ok := strings.Cut(s, ":")
	if !ok {
		return Actor{Kind: ActorKind(s)}
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if a := (Actor{Kind: ActorKind(kind), ID: n}); err == nil && a.Person() {
		return a
	}
	return Actor{Kind: ActorKind(s)}
}
