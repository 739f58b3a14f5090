package web

import (
	"bytes"
	"errors"
	"mime"
	"net/http"
	"slices"
	"time"

	"inboxdesk/auth"
	"inboxdesk/ticket"
)

// attachmentDownload sends an attachment to someone allowed to see it: an
// agent, or the ticket's requester or a participant (never from an internal
// note). Anyone else gets "not found", as for a missing id. It downloads
// as a file; an image may show inline (?inline=1) only when its stored type
// is a plain image type and sniffing its bytes agrees.
func (s *Server) attachmentDownload(w http.ResponseWriter, r *http.Request) {
	a, err := s.deps.Tickets.Attachment(r.Context(), pathNumber(r, "id"))
	if errors.Is(err, ticket.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, "load attachment", err)
		return
	}
	allowed, err := s.mayDownload(r, a)
	if err != nil {
		s.serverError(w, r, "attachment owner", err)
		return
	}
	if !allowed {
		s.notFound(w, r)
		return
	}
	disposition := "attachment"
	if r.URL.Query().Get("inline") == "1" && slices.Contains(inlineImageTypes, a.ContentType) &&
		sniffType(a.Data) == a.ContentType {
		disposition = "inline"
	}
	h := w.Header()
	h.Set("Content-Type", downloadType(a.ContentType))
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": a.Filename}))
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.Data))
}

func (s *Server) mayDownload(r *http.Request, a *ticket.AttachmentFile) (bool, error) {
	sess := sessionFrom(r)
	if sess.Role == auth.RoleAgent {
		return true, nil
	}
	if a.Internal {
		return false, nil
	}
	return s.deps.Tickets.CanRead(r.Context(), a.TicketID, sess.CustomerID)
}

// downloadType is the Content-Type to send: the stored type when it parses
// as a media type, else application/octet-stream.
func downloadType(stored string) string {
	t, _, err := mime.ParseMediaType(stored)
	if err != nil || t == "" {
		return "application/octet-stream"
	}
	return t
}
