package api

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"inboxdesk/ticket"
)

type ticketJSON struct {
	Number         int64         `json:"number"`
	Subject        string        `json:"subject"`
	Status         ticket.Status `json:"status"`
	RequesterEmail string        `json:"requester_email"`
	RequesterName  string        `json:"requester_name,omitempty"`
	AssigneeID     int64         `json:"assignee_id,omitempty"`
	AssigneeName   string        `json:"assignee_name,omitempty"`
	LinkedNumber   int64         `json:"linked_number,omitempty"`
	Version        int64         `json:"version"`
	CreatedAt      time.Time     `json:"created_at"`
	UpdatedAt      time.Time     `json:"updated_at"`
	Messages       []messageJSON `json:"messages,omitempty"`
}

type messageJSON struct {
	ID          int64            `json:"id"`
	Author      string           `json:"author"`
	FromName    string           `json:"from_name"`
	FromEmail   string           `json:"from_email"`
	Text        string           `json:"text"`
	Internal    bool             `json:"internal"`
	ThirdParty  bool             `json:"third_party"`
	Source      string           `json:"source"`
	CreatedAt   time.Time        `json:"created_at"`
	Attachments []attachmentJSON `json:"attachments"`
}

type attachmentJSON struct {
	ID          int64  `json:"id"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	URL         string `json:"url"`
}

func ticketOut(t *ticket.Ticket) ticketJSON {
	return ticketJSON{Number: t.Number, Subject: t.Subject, Status: t.Status, RequesterEmail: t.RequesterEmail,
		RequesterName: t.RequesterName, AssigneeID: t.AssigneeID, AssigneeName: t.AssigneeName,
		LinkedNumber: t.LinkedNumber, Version: t.Version, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

func messagesOut(msgs []ticket.Message) []messageJSON {
	out := make([]messageJSON, 0, len(msgs))
	for _, m := range msgs {
		mj := messageJSON{ID: m.ID, Author: m.AuthorKind, FromName: m.FromName, FromEmail: m.FromEmail, Text: m.Text,
			Internal: m.Internal, ThirdParty: m.ThirdParty, Source: m.Source, CreatedAt: m.CreatedAt,
			Attachments: []attachmentJSON{}}
		for _, a := range m.Attachments {
			mj.Attachments = append(mj.Attachments, attachmentJSON{ID: a.ID, Filename: a.Filename,
				ContentType: a.ContentType, Size: a.Size, URL: fmt.Sprintf("/api/v1/attachments/%d", a.ID)})
		}
		out = append(out, mj)
	}
	return out
}

// etag is a ticket version as an entity tag.
func etag(t *ticket.Ticket) string { return `"v` + strconv.FormatInt(t.Version, 10) + `"` }

// ifMatch reads the version a write is based on from If-Match. A write
// without one is refused (428): the API never overwrites blind.
func ifMatch(w http.ResponseWriter, r *http.Request) (int64, bool) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" {
		problem(w, http.StatusPreconditionRequired, "If-Match required",
			"send the ticket's ETag in If-Match, so a change made meanwhile is not overwritten")
		return 0, false
	}
	v, err := strconv.ParseInt(strings.TrimPrefix(strings.Trim(strings.TrimPrefix(h, "W/"), `"`), "v"), 10, 64)
	if err != nil || v <= 0 {
		problem(w, http.StatusPreconditionFailed, "ticket changed", "If-Match is not an ETag of this ticket")
		return 0, false
	}
	return v, true
}

// ticketOf loads the ticket named by the path's {number}.
func (a *API) ticketOf(w http.ResponseWriter, r *http.Request) (*ticket.Ticket, bool) {
	n, err := strconv.ParseInt(strings.TrimPrefix(r.PathValue("number"), "#"), 10, 64)
	if err != nil {
		problem(w, http.StatusNotFound, "not found", "a ticket number is digits")
		return nil, false
	}
	t, err := a.deps.Tickets.TicketByNumber(r.Context(), n)
	if err != nil {
		a.storeProblem(w, r, err)
		return nil, false
	}
	return t, true
}
