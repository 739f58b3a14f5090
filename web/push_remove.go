package web

import (
	"errors"
	"net/http"
	"strconv"

	"inboxdesk/ticket"
)

// pushRemove deletes one of the customer's devices; another customer's
// subscription is not found.
func (s *Server) pushRemove(w http.ResponseWriter, r *http.Request, _ *form) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	sess := sessionFrom(r)
	err = s.deps.Tickets.DeletePushSubscription(r.Context(), sess.CustomerID, id)
	switch {
	case errors.Is(err, ticket.ErrNotFound):
		s.notFound(w, r)
		return
	case err != nil:
		s.serverError(w, r, "remove push subscription", err)
		return
	}
	s.log.Info("web: push subscription removed", "customer", sess.CustomerID, "subscription", id)
	http.Redirect(w, r, s.path("/settings?done=removed"), http.StatusSeeOther)
}
