package api

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"inboxdesk/ticket"
)

type summaryJSON struct {
	Number         int64         `json:"number"`
	Subject        string        `json:"subject"`
	Status         ticket.Status `json:"status"`
	RequesterEmail string        `json:"requester_email"`
	AssigneeName   string        `json:"assignee_name,omitempty"`
	UpdatedAt      time.Time     `json:"updated_at"`
}

// ticketsList lists the queue with the web's filters (status, assignee
// me|unassigned, mailbox, q) newest activity first, limit at a time; the
// answer's next_cursor continues after the last ticket shown.
func (a *API) ticketsList(w http.ResponseWriter, r *http.Request, c *caller) {
	q := r.URL.Query()
	f := ticket.QueueFilter{Status: ticket.Status(q.Get("status")), Assignee: q.Get("assignee"),
		AgentID: c.token.AgentID, Search: q.Get("q"), PerPage: 50}
	if !validStatus(f.Status) {
		problem(w, http.StatusBadRequest, "bad status", "status is open, pending, resolved or closed")
		return
	}
	if f.Assignee != "" && f.Assignee != "me" && f.Assignee != "unassigned" {
		problem(w, http.StatusBadRequest, "bad assignee", "assignee is me or unassigned")
		return
	}
	var err error
	if v := q.Get("mailbox_id"); v != "" {
		if f.MailboxID, err = strconv.ParseInt(v, 10, 64); err != nil {
			problem(w, http.StatusBadRequest, "bad mailbox_id", "mailbox_id is a number")
			return
		}
	}
	if v := q.Get("limit"); v != "" {
		if f.PerPage, err = strconv.Atoi(v); err != nil || f.PerPage < 1 || f.PerPage > 200 {
			problem(w, http.StatusBadRequest, "bad limit", "limit is 1 to 200")
			return
		}
	}
	if v := q.Get("cursor"); v != "" {
		if f.After, err = decodeCursor(v); err != nil {
			problem(w, http.StatusBadRequest, "bad cursor", "use next_cursor of an earlier answer")
			return
		}
	}
	page, err := a.deps.Tickets.Queue(r.Context(), f)
	if err != nil {
		a.storeProblem(w, r, err)
		return
	}
	out := struct {
		Tickets    []summaryJSON `json:"tickets"`
		NextCursor string        `json:"next_cursor,omitempty"`
	}{Tickets: []summaryJSON{}}
	for _, t := range page.Tickets {
		out.Tickets = append(out.Tickets, summaryJSON{Number: t.Number, Subject: t.Subject, Status: t.Status,
			RequesterEmail: t.RequesterEmail, AssigneeName: t.AssigneeName, UpdatedAt: t.UpdatedAt})
	}
	if len(page.Tickets) == f.PerPage {
		out.NextCursor = encodeCursor(page.Tickets[len(page.Tickets)-1])
	}
	writeJSON(w, http.StatusOK, out)
}

// A cursor is the queue position of the last ticket shown: its last
// activity and id.
func encodeCursor(t ticket.Summary) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%d.%d", t.UpdatedAt.UnixMicro(), t.ID)))
}

func decodeCursor(s string) (*ticket.Summary, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	var micro, id int64
	if _, err := fmt.Sscanf(string(b), "%d.%d", &micro, &id); err != nil {
		return nil, err
	}
	return &ticket.Summary{ID: id, UpdatedAt: time.UnixMicro(micro)}, nil
}

func validStatus(s ticket.Status) bool {
	switch s {
	case "", ticket.StatusOpen, ticket.StatusPending, ticket.StatusResolved, ticket.StatusClosed:
		return true
	}
	return false
}
