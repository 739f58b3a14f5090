package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"inboxdesk/ticket"
)

// agentCustomerErase erases the ticket's requester (the same erasure as
// `inboxdesk customer erase`) once the admin has typed their address; a
// wrong or missing address erases nothing and shows the page again.
func (s *Server) agentCustomerErase(w http.ResponseWriter, r *http.Request, f *form) {
	t, ok := s.agentTicket(w, r)
	if !ok {
		return
	}
	if t.RequesterErased() || !strings.EqualFold(strings.TrimSpace(f.get("confirm")), t.RequesterEmail) {
		s.renderAgentTicket(w, r, http.StatusUnprocessableEntity, "layout", t, agentForm{Version: t.Version},
			note("agent_erase_confirm_bad"), nil)
		return
	}
	n, err := s.deps.Tickets.EraseCustomer(r.Context(), t.RequesterEmail)
	switch {
	case errors.Is(err, ticket.ErrNotFound):
		s.notFound(w, r)
		return
	case err != nil:
		s.serverError(w, r, "erase customer", err)
		return
	}
	s.log.Info("web: customer erased", "ticket", t.Number, "customer", t.RequesterID, "tickets", n.Tickets,
		"messages", n.Messages, "by", sessionFrom(r).AgentID)
	http.Redirect(w, r, s.path(fmt.Sprintf("/agent/tickets/%d?done=erased", t.Number)), http.StatusSeeOther)
}
