package web

import (
	"errors"
	"net/http"

	"inboxdesk/ticket"
)

// ticketReply adds the customer's reply (text and files) to their ticket; a
// resolved or closed ticket reopens. A refused file shows the page again
// with the typed text in the box and nothing stored.
func (s *Server) ticketReply(w http.ResponseWriter, r *http.Request, f *form) {
	t, ok := s.ownTicket(w, r)
	if !ok {
		return
	}
	rf := replyForm{Text: f.get("text"), Rejected: f.rejected}
	if n := uploadNotice(f); n != nil {
		s.renderTicket(w, r, http.StatusUnprocessableEntity, t, rf, n, nil)
		return
	}
	sess := sessionFrom(r)
	_, err := s.deps.Tickets.CustomerReply(r.Context(), sess.CustomerID,
		ticket.Post{TicketID: t.ID, Text: rf.Text, Attachments: f.files})
	switch {
	case errors.Is(err, ticket.ErrEmpty):
		s.renderTicket(w, r, http.StatusUnprocessableEntity, t, rf, note("message_empty"), nil)
		return
	case errors.Is(err, ticket.ErrNotFound):
		s.notFound(w, r)
		return
	case err != nil:
		s.serverError(w, r, "reply", err)
		return
	}
	s.log.Info("web: customer replied", "ticket", t.Number, "customer", sess.CustomerID, "files", len(f.files))
	http.Redirect(w, r, s.ticketPath(t.Number)+"?sent=1#reply", http.StatusSeeOther)
}
