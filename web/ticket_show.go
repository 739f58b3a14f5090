package web

import (
	"errors"
	"net/http"

	"inboxdesk/ticket"
)

type ticketData struct {
	Ticket   *ticket.Ticket
	Messages []messageView
	Reply    replyForm
}

// replyForm is the reply box's typed values, kept when a reply is refused.
type replyForm struct {
	Text     string
	Rejected []rejectedFile
}

// ticketShow shows the customer's ticket: the whole conversation oldest
// first (never internal notes), its status and attachments, and the reply
// box. Another customer's ticket is "not found", as a missing one is.
func (s *Server) ticketShow(w http.ResponseWriter, r *http.Request) {
	t, ok := s.ownTicket(w, r)
	if !ok {
		return
	}
	var flash *notice
	if r.URL.Query().Get("sent") == "1" {
		flash = note("reply_sent")
	}
	s.renderTicket(w, r, http.StatusOK, t, replyForm{}, nil, flash)
}

// ownTicket loads the ticket in the path if it is the signed-in customer's;
// otherwise it answers 404 and reports false.
func (s *Server) ownTicket(w http.ResponseWriter, r *http.Request) (*ticket.Ticket, bool) {
	t, err := s.deps.Tickets.TicketByNumber(r.Context(), pathNumber(r, "number"))
	switch {
	case errors.Is(err, ticket.ErrNotFound) || err == nil && t.RequesterID != sessionFrom(r).CustomerID:
		s.notFound(w, r)
		return nil, false
	case err != nil:
		s.serverError(w, r, "load ticket", err)
		return nil, false
	}
	return t, true
}

func (s *Server) renderTicket(w http.ResponseWriter, r *http.Request, status int, t *ticket.Ticket,
	rf replyForm, errNote, flash *notice) {
	msgs, err := s.deps.Tickets.Messages(r.Context(), t.ID, false)
	if err != nil {
		s.serverError(w, r, "load messages", err)
		return
	}
	views, remote := s.messageViews(r, msgs)
	if remote {
		w.Header().Set("Content-Security-Policy", cspRemoteImages)
	}
	d := ticketData{Ticket: t, Messages: views, Reply: rf}
	s.render(w, r, status, "ticket", &page{Data: d, Error: errNote, Flash: flash}, "")
}
