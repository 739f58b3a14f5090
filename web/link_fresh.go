package web

import (
	"errors"
	"log/slog"
	"net/http"

	"inboxdesk/link"
	"inboxdesk/ticket"
)

// linkFresh queues an alert with a fresh link to the address an expired
// link was for — never to one the visitor types — and says so. The answer
// is the same whether or not the ticket still belongs to that address, and
// asking again soon sends nothing more (ticket.FreshLinkEvery).
func (s *Server) linkFresh(w http.ResponseWriter, r *http.Request, f *form) {
	k := f.get("k")
	c, err := s.cfg.Keys.VerifyExpired(k, pathNumber(r, "number"), link.PurposeTicket)
	if err != nil {
		s.tokenRefused(w, r, err)
		return
	}
	err = s.deps.Tickets.RequestFreshLink(r.Context(), c.Ticket, c.Email)
	switch {
	case errors.Is(err, ticket.ErrNotFound):
		s.log.Info("web: fresh link for a ticket the address no longer has", "ticket", c.Ticket)
	case err != nil:
		s.log.Error("web: fresh link", "ticket", c.Ticket, slog.Any("err", err))
		s.renderError(w, r, http.StatusInternalServerError, "error_server")
		return
	default:
		s.log.Info("web: fresh link queued", "ticket", c.Ticket, "to", maskEmail(c.Email))
	}
	s.linkExpired(w, r, k, true)
}
