package web

import (
	"errors"
	"net/http"
	"strconv"

	"inboxdesk/ticket"
)

// agentTicketSplit makes a new ticket of the chosen message and every one
// after it, and shows it.
func (s *Server) agentTicketSplit(w http.ResponseWriter, r *http.Request, f *form) {
	t, ok := s.agentTicket(w, r)
	if !ok {
		return
	}
	msg, err := strconv.ParseInt(f.get("message"), 10, 64)
	if err != nil || msg <= 0 {
		s.renderError(w, r, http.StatusBadRequest, "error_bad_form")
		return
	}
	agentID := sessionFrom(r).AgentID
	nt, err := s.deps.Tickets.Split(r.Context(), agentID, t.ID, msg)
	if n := mergeNotice(err); n != nil {
		s.refuseAgentForm(w, r, http.StatusConflict, t, agentForm{}, n)
		return
	}
	switch {
	case errors.Is(err, ticket.ErrNotFound):
		s.notFound(w, r)
		return
	case err != nil:
		s.serverError(w, r, "split", err)
		return
	}
	s.log.Info("web: ticket split", "ticket", t.Number, "new", nt.Number, "agent", agentID)
	http.Redirect(w, r, s.agentTicketPath(nt.Number)+"?done=split", http.StatusSeeOther)
}
