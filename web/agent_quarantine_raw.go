package web

import (
	"bytes"
	"errors"
	"net/http"
	"time"

	"inboxdesk/ticket"
)

// agentQuarantineRaw downloads a quarantined mail's raw source as a file
// (message/rfc822), never shown in the page.
func (s *Server) agentQuarantineRaw(w http.ResponseWriter, r *http.Request) {
	id := pathNumber(r, "id")
	raw, err := s.deps.Tickets.QuarantineRaw(r.Context(), id)
	switch {
	case errors.Is(err, ticket.ErrNotFound):
		s.notFound(w, r)
		return
	case err != nil:
		s.serverError(w, r, "quarantine raw", err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "message/rfc822")
	h.Set("Content-Disposition", `attachment; filename="quarantine-`+idStr(id)+`.eml"`)
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(raw))
}
