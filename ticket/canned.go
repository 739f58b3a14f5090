package ticket

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"text/template"
)

// Canned is a canned reply: a titled text an agent inserts in the reply
// box. A shared one (OwnerID 0) is the team's, managed by admins; others
// are their owner's. Body is a text/template over CannedData. A macro also
// moves the ticket (SetStatus pending or resolved) and sets its assignee
// (SetAssign) when the reply is sent.
type Canned struct {
	ID        int64
	OwnerID   int64 // 0 = shared
	Title     string
	Body      string
	SetStatus Status       // "" keeps the status
	SetAssign CannedAssign // "" keeps the assignee
}

// Shared reports whether the canned reply is the team's.
func (c *Canned) Shared() bool { return c.OwnerID == 0 }

// Macro reports whether sending the reply also changes the ticket.
func (c *Canned) Macro() bool { return c.SetStatus != "" || c.SetAssign != "" }

// CannedAssign is who a macro gives the ticket to.
type CannedAssign string

const (
	AssignKeep CannedAssign = ""     // leave the assignee
	AssignMe   CannedAssign = "me"   // the agent who sends the reply
	AssignNone CannedAssign = "none" // nobody
)

// CannedData is what a canned reply's template sees: {{.Customer.Name}},
// {{.Customer.Email}}, {{.Ticket.Number}}, {{.Ticket.Subject}},
// {{.Agent.Name}}. Nothing else exists; naming anything else is an error.
type CannedData struct {
	Customer struct{ Name, Email string }
	Ticket   struct {
		Number  int64
		Subject string
	}
	Agent struct{ Name string }
}

// NewCannedData fills CannedData from the ticket and the sending agent's name.
func NewCannedData(t *Ticket, agentName string) CannedData {
	var d CannedData
	d.Customer.Name, d.Customer.Email = t.RequesterName, t.RequesterEmail
	d.Ticket.Number, d.Ticket.Subject = t.Number, t.Subject
	d.Agent.Name = agentName
	return d
}

// ErrBadCanned wraps why a canned reply cannot be saved or used.
var ErrBadCanned = errors.New("canned reply")

// maxCannedBody bounds a canned reply's text (and what it renders to).
const maxCannedBody = 20000

// RenderCanned fills the template body with d. A template that does not
// parse, names a variable CannedData lacks, or renders too long gives an
// error wrapping ErrBadCanned that says where.
func RenderCanned(body string, d CannedData) (string, error) {
	if len(body) > maxCannedBody {
		return "", fmt.Errorf("%w: longer than %d characters", ErrBadCanned, maxCannedBody)
	}
	t, err := template.New("canned").Option("missingkey=error").Parse(body)
	if err != nil {
		return "", fmt.Errorf("%w: %s", ErrBadCanned, cleanTemplateError(err))
	}
	var b bytes.Buffer
	if err := t.Execute(&limitedBuffer{&b, maxCannedBody}, d); err != nil {
		return "", fmt.Errorf("%w: %s", ErrBadCanned, cleanTemplateError(err))
	}
	return b.String(), nil
}

// ValidateCanned checks c before it is stored: a title, a template that
// renders, and a known status and assignee.
func ValidateCanned(c *Canned) error {
	c.Title = strings.TrimSpace(c.Title)
	if c.Title == "" {
		return fmt.Errorf("%w: a title is needed", ErrBadCanned)
	}
	if strings.TrimSpace(c.Body) == "" {
		return fmt.Errorf("%w: the text is empty", ErrBadCanned)
	}
	switch c.SetStatus {
	case "", StatusPending, StatusResolved:
	default:
		return fmt.Errorf("%w: a macro sets the status to pending or resolved", ErrBadCanned)
	}
	switch c.SetAssign {
	case AssignKeep, AssignMe, AssignNone:
	default:
		return fmt.Errorf("%w: a macro assigns to me or to nobody", ErrBadCanned)
	}
	_, err := RenderCanned(c.Body, CannedData{})
	return err
}

// cleanTemplateError drops text/template's own "template: canned:" prefix.
func cleanTemplateError(err error) string {
	return strings.TrimPrefix(err.Error(), "template: ")
}

type limitedBuffer struct {
	b   *bytes.Buffer
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if l.b.Len()+len(p) > l.max {
		return 0, fmt.Errorf("renders longer than %d characters", l.max)
	}
	return l.b.Write(p)
}

// Action is the action that sending a reply with this canned reply does:
// a macro that sets the status turns a public reply into asking for
// details (pending) or resolving with the reply (resolved). Other actions
// stay as pressed.
func (c *Canned) Action(pressed AgentAction) AgentAction {
	if pressed != ActReply {
		return pressed
	}
	switch c.SetStatus {
	case StatusPending:
		return ActRequestInfo
	case StatusResolved:
		return ActResolve
	}
	return pressed
}
