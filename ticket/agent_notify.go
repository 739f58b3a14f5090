package ticket

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// AgentEvent is something an agent may be told of.
type AgentEvent string

const (
	EventNewTicket       AgentEvent = "new_ticket"       // a new ticket in a mailbox the agent follows
	EventCustomerReplied AgentEvent = "customer_replied" // on a ticket assigned to the agent, or unassigned in a followed mailbox
	EventAssigned        AgentEvent = "assigned"         // the ticket was given to the agent
	EventMentioned       AgentEvent = "mentioned"        // @name in an internal note
)

// AgentEvents lists every event, in the order settings show them.
var AgentEvents = []AgentEvent{EventNewTicket, EventCustomerReplied, EventAssigned, EventMentioned}

// Reason is the alert reason of the event's notice.
func (e AgentEvent) Reason() AlertReason { return AlertReason("agent_" + string(e)) }

// AgentNotify is what decides whether an agent is told of an event.
type AgentNotify struct {
	AgentID int64
	Email   string
	Name    string
	Events  []AgentEvent // the events the agent wants
	Follows bool         // the agent follows the ticket's mailbox
	// Quiet hours, minutes after midnight UTC; Quiet false means none.
	Quiet              bool
	QuietFrom, QuietTo int
	Channels           AlertChannels // email, push or both
	HasPush            bool          // the agent has a subscribed browser
}

// NoticeFacts is the event as the rules see it.
type NoticeFacts struct {
	Event     AgentEvent
	Actor     int64   // the agent who acted (0 for a customer or the system): never told
	Assignee  int64   // the ticket's assignee after the event (0 = unassigned)
	Mentioned []int64 // agents @named in a note
}

// WantsNotice reports whether the agent is told of the event: never the
// agent who acted, only for events they chose, and only when the event
// concerns them (see the AgentEvent constants).
func WantsNotice(a AgentNotify, f NoticeFacts) bool {
	if a.AgentID == f.Actor || !slices.Contains(a.Events, f.Event) {
		return false
	}
	switch f.Event {
	case EventNewTicket:
		return a.Follows
	case EventCustomerReplied:
		return f.Assignee == a.AgentID || (f.Assignee == 0 && a.Follows)
	case EventAssigned:
		return f.Assignee == a.AgentID
	case EventMentioned:
		return slices.Contains(f.Mentioned, a.AgentID)
	}
	return false
}

// NoticeAt is when a notice queued at now may go out: now, or the end of
// the agent's quiet hours when now falls inside them (a span may cross
// midnight: 22:00 to 07:00).
func NoticeAt(a AgentNotify, now time.Time) time.Time {
	if !a.Quiet || a.QuietFrom == a.QuietTo {
		return now
	}
	now = now.UTC()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	m := now.Hour()*60 + now.Minute()
	from, to := a.QuietFrom, a.QuietTo
	switch {
	case from < to && m >= from && m < to:
		return day.Add(time.Duration(to) * time.Minute)
	case from > to && m >= from:
		return day.Add(24*time.Hour + time.Duration(to)*time.Minute)
	case from > to && m < to:
		return day.Add(time.Duration(to) * time.Minute)
	}
	return now
}

var mentionRE = regexp.MustCompile(`(?:^|[^\w@.])@([\p{L}\p{N}._-]+)`)

// Mentions returns the ids of the agents a note @names: "@zoe" names the
// agent whose address starts "zoe@" or whose first name is Zoe (any case).
func Mentions(text string, agents []AgentNotify) []int64 {
	var ids []int64
	for _, m := range mentionRE.FindAllStringSubmatch(text, -1) {
		handle := strings.ToLower(strings.TrimRight(m[1], "._-"))
		for _, a := range agents {
			local, _, _ := strings.Cut(strings.ToLower(a.Email), "@")
			first, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(a.Name)), " ")
			if (handle == local || handle == first) && !slices.Contains(ids, a.AgentID) {
				ids = append(ids, a.AgentID)
			}
		}
	}
	return ids
}

// AgentNotifySettings is what an agent chose about notices.
type AgentNotifySettings struct {
	Events             []AgentEvent
	Quiet              bool
	QuietFrom, QuietTo int     // minutes after midnight UTC
	Follows            []int64 // mailbox ids
	Channels           AlertChannels
}
