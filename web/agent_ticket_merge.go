package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"inboxdesk/ticket"
)

// agentTicketMerge merges the ticket into the one numbered in the form:
// its conversation, files and people move there, and its number, links and
// mail lead there from then on.
func (s *Server) agentTicketMerge(w http.ResponseWriter, r *http.Request, f *form) {
	t, ok := s.agentTicket(w, r)
	if !ok {
		return
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(f.get("into")), "#"), 10, 64)
	if err != nil || n <= 0 {
		s.refuseAgentForm(w, r, http.StatusUnprocessableEntity, t, agentForm{}, note("agent_merge_unknown"))
		return
	}
	into, err := s.deps.Tickets.TicketByNumber(r.Context(), n)
	if errors.Is(err, ticket.ErrNotFound) {
		s.refuseAgentForm(w, r, http.StatusUnprocessableEntity, t, agentForm{}, note("agent_merge_unknown"))
		return
	}
	if err != nil {
		s.serverError(w, r, "merge target", err)
		return
	}
	agentID := sessionFrom(r).AgentID
	merged, err := s.deps.Tickets.Merge(r.Context(), agentID, t.ID, into.ID)
	if n := mergeNotice(err); n != nil {
		s.refuseAgentForm(w, r, http.StatusConflict, t, agentForm{}, n)
		return
	}
	if err != nil {
		s.serverError(w, r, "merge", err)
		return
	}
	s.log.Info("web: ticket merged", "ticket", t.Number, "into", merged.Number, "agent", agentID)
	http.Redirect(w, r, s.agentTicketPath(merged.Number)+"?done=merged", http.StatusSeeOther)
}

// mergeNotice is the notice for a merge or split the tickets do not allow, or nil.
func mergeNotice(err error) *notice {
	switch {
	case errors.Is(err, ticket.ErrSameTicket):
		return note("agent_merge_same")
	case errors.Is(err, ticket.ErrMerged):
		return note("agent_merge_merged")
	case errors.Is(err, ticket.ErrSplitFirst):
		return note("agent_split_first")
	}
	return nil
}
