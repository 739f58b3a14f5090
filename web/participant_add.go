package web

import (
	"errors"
	"net/http"

	"inboxdesk/ticket"
)

// participantAdd adds a colleague to the signed-in requester's ticket: they
// get its alerts, each with a link bound to their own address. A participant
// cannot add anyone (404, as for a ticket they cannot see).
func (s *Server) participantAdd(w http.ResponseWriter, r *http.Request, f *form) {
	t, ok := s.ownTicket(w, r)
	if !ok {
		return
	}
	sess := sessionFrom(r)
	email := f.get("email")
	err := s.deps.Tickets.AddParticipant(r.Context(), t.ID, ticket.AddedBy{CustomerID: sess.CustomerID}, email)
	if n := participantNotice(err); n != nil {
		s.renderTicket(w, r, http.StatusUnprocessableEntity, t, replyForm{Colleague: email}, n, nil)
		return
	}
	switch {
	case errors.Is(err, ticket.ErrNotFound):
		s.notFound(w, r)
		return
	case err != nil:
		s.serverError(w, r, "add participant", err)
		return
	}
	s.log.Info("web: participant added", "ticket", t.Number, "customer", sess.CustomerID)
	http.Redirect(w, r, s.ticketPath(t.Number)+"?added=1#participants", http.StatusSeeOther)
}

// participantNotice is the notice for an address that cannot be added, or nil.
func participantNotice(err error) *notice {
	switch {
	case errors.Is(err, ticket.ErrInvalidAddress):
		return note("email_invalid")
	case errors.Is(err, ticket.ErrOwnAddress):
		return note("participant_own_address")
	}
	return nil
}
