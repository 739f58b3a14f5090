package web

import (
	"errors"
	"net/http"

	"inboxdesk/ticket"
)

// languageRefused answers a failed language choice (a language we do not
// speak is a bad form) and reports whether err was one.
func (s *Server) languageRefused(w http.ResponseWriter, r *http.Request, err error) bool {
	switch {
	case errors.Is(err, ticket.ErrUnknownLanguage):
		s.renderError(w, r, http.StatusBadRequest, "error_bad_form")
	case err != nil:
		s.serverError(w, r, "set language", err)
	}
	return err != nil
}

// agentTicketLanguage sets the language the ticket's requester is spoken to
// in, an explicit choice that beats what they use ("" goes back to that).
func (s *Server) agentTicketLanguage(w http.ResponseWriter, r *http.Request, f *form) {
	t, ok := s.agentTicket(w, r)
	if !ok {
		return
	}
	l := f.get("language")
	agentID := sessionFrom(r).AgentID
	if s.languageRefused(w, r, s.deps.Tickets.SetRequesterLanguage(r.Context(), agentID, t.ID, l)) {
		return
	}
	s.log.Info("web: requester language set", "ticket", t.Number, "agent", agentID, "language", l)
	http.Redirect(w, r, s.agentTicketPath(t.Number)+"?done=language", http.StatusSeeOther)
}
