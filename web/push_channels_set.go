package web

import (
	"net/http"

	"inboxdesk/ticket"
)

// pushChannelsSet records which channels the customer wants alerts on.
func (s *Server) pushChannelsSet(w http.ResponseWriter, r *http.Request, f *form) {
	choice := ticket.AlertChannels(f.get("channels"))
	if !choice.Valid() {
		s.renderSettings(w, r, http.StatusUnprocessableEntity, note("error_bad_form"))
		return
	}
	if err := s.deps.Tickets.SetAlertChannels(r.Context(), sessionFrom(r).CustomerID, choice); err != nil {
		s.serverError(w, r, "set alert channels", err)
		return
	}
	http.Redirect(w, r, s.path("/settings?done=saved"), http.StatusSeeOther)
}
