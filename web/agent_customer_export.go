package web

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"inboxdesk/ticket"
)

// agentCustomerExport sends an admin the zip of everything kept about the
// ticket's requester (the same export as `inboxdesk customer export`). The
// zip is written to a temporary file first, so a failed export answers an
// error page rather than a cut-off download.
func (s *Server) agentCustomerExport(w http.ResponseWriter, r *http.Request) {
	t, ok := s.agentTicket(w, r)
	if !ok {
		return
	}
	f, err := os.CreateTemp("", "inboxdesk-export-*.zip")
	if err != nil {
		s.serverError(w, r, "export", err)
		return
	}
	defer os.Remove(f.Name())
	defer f.Close()
	err = s.deps.Tickets.ExportCustomer(r.Context(), t.RequesterEmail, f)
	switch {
	case errors.Is(err, ticket.ErrNotFound):
		s.notFound(w, r)
		return
	case err != nil:
		s.serverError(w, r, "export", err)
		return
	}
	if _, err := f.Seek(0, 0); err != nil {
		s.serverError(w, r, "export", err)
		return
	}
	s.log.Info("web: customer exported", "ticket", t.Number, "customer", t.RequesterID, "by", sessionFrom(r).AgentID)
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="customer-%d.zip"`, t.RequesterID))
	w.Header().Set("Cache-Control", "no-store")
	http.ServeContent(w, r, "", time.Time{}, f)
}
