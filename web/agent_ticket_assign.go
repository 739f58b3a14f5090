package web

import (
	"errors"
	"net/http"
	"strconv"

	"inboxdesk/auth"
	"inboxdesk/ticket"
)

// agentTicketAssign gives the ticket to the chosen agent ("0" unassigns).
// A ticket that changed since the page was loaded is not reassigned: the
// page shows it as it is now.
func (s *Server) agentTicketAssign(w http.ResponseWriter, r *http.Request, f *form) {
	t, ok := s.agentTicket(w, r)
	if !ok {
		return
	}
	assignee, err := strconv.ParseInt(f.get("assignee"), 10, 64)
	if err != nil || assignee < 0 {
		s.renderError(w, r, http.StatusBadRequest, "error_bad_form")
		return
	}
	if assignee != 0 {
		a, err := s.deps.Auth.AgentByID(r.Context(), assignee)
		switch {
		case errors.Is(err, auth.ErrNotFound) || err == nil && a.Disabled:
			s.renderError(w, r, http.StatusBadRequest, "error_bad_form")
			return
		case err != nil:
			s.serverError(w, r, "assignee", err)
			return
		}
	}
	agentID := sessionFrom(r).AgentID
	af := agentForm{Version: formVersion(f)}
	if _, err := s.deps.Tickets.Assign(r.Context(), agentID, ticket.Post{TicketID: t.ID, Version: af.Version}, assignee); err != nil {
		s.actRefused(w, r, t, af, err)
		return
	}
	s.log.Info("web: ticket assigned", "ticket", t.Number, "agent", agentID, "assignee", assignee)
	http.Redirect(w, r, s.agentTicketPath(t.Number)+"?done=assign", http.StatusSeeOther)
}
