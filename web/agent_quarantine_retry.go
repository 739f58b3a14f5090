package web

import (
	"errors"
	"log/slog"
	"net/http"

	"inboxdesk/inbound/mailparse"
	"inboxdesk/ticket"
)

// agentQuarantineRetry parses a held mail again and ingests it (after a
// parser fix, say). With "force" set the agent decides that mail held as
// machine-generated is a person's; mail held for failing sender
// authentication is released as a new ticket. A mail that still cannot be
// parsed or ingested stays held, and the page says why.
func (s *Server) agentQuarantineRetry(w http.ResponseWriter, r *http.Request, f *form) {
	id := pathNumber(r, "id")
	raw, err := s.deps.Tickets.QuarantineRaw(r.Context(), id)
	if errors.Is(err, ticket.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, "quarantine raw", err)
		return
	}
	in, err := mailparse.Parse(raw, mailparse.DefaultLimits())
	if err != nil {
		s.quarantineRefused(w, r, id, err)
		return
	}
	in.SenderAuthFailure = mailparse.SenderAuthFailure(raw, s.cfg.TrustedAuthservID)
	res, err := s.deps.Tickets.RetryQuarantined(r.Context(), id, in, f.get("force") == "1")
	switch {
	case errors.Is(err, ticket.ErrNotFound):
		s.notFound(w, r)
		return
	case err != nil:
		s.quarantineRefused(w, r, id, err)
		return
	}
	s.log.Info("web: quarantined mail ingested", "quarantine", id, "outcome", string(res.Outcome),
		"ticket", res.Ticket, "agent", sessionFrom(r).AgentID)
	http.Redirect(w, r, s.path("/agent/quarantine?done=retried"), http.StatusSeeOther)
}

// quarantineRefused shows the quarantine again with why a retry failed.
func (s *Server) quarantineRefused(w http.ResponseWriter, r *http.Request, id int64, err error) {
	s.log.Info("web: quarantine retry failed", "quarantine", id, slog.Any("err", err))
	rows, lerr := s.quarantineRows(r)
	if lerr != nil {
		s.serverError(w, r, "quarantine", lerr)
		return
	}
	reason := err.Error()
	var pe *mailparse.Error
	if errors.As(err, &pe) {
		reason = pe.Reason
	}
	s.render(w, r, http.StatusUnprocessableEntity, "agent_quarantine",
		&page{Data: quarantineData{Mails: rows}, Error: note("agent_quarantine_retry_failed", id, reason)}, "")
}
