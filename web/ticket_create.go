package web

import (
	"errors"
	"net/http"
	"strings"

	"inboxdesk/ticket"
)

// ticketCreate opens a ticket for the signed-in customer. A refused file or
// a missing subject shows the form again with what was typed.
func (s *Server) ticketCreate(w http.ResponseWriter, r *http.Request, f *form) {
	nf := newTicketForm{Subject: f.get("subject"), Text: f.get("text"), Rejected: f.rejected}
	if n := uploadNotice(f); n != nil {
		s.renderMy(w, r, http.StatusUnprocessableEntity, nf, n)
		return
	}
	if strings.TrimSpace(nf.Subject) == "" {
		s.renderMy(w, r, http.StatusUnprocessableEntity, nf, note("subject_required"))
		return
	}
	sess := sessionFrom(r)
	t, err := s.deps.Tickets.OpenFromWeb(r.Context(), sess.CustomerID, nf.Subject,
		ticket.Post{Text: nf.Text, Attachments: f.files})
	if errors.Is(err, ticket.ErrEmpty) {
		s.renderMy(w, r, http.StatusUnprocessableEntity, nf, note("message_empty"))
		return
	}
	if err != nil {
		s.serverError(w, r, "open ticket", err)
		return
	}
	s.log.Info("web: ticket opened", "ticket", t.Number, "customer", sess.CustomerID, "files", len(f.files))
	http.Redirect(w, r, s.ticketPath(t.Number)+"?sent=1", http.StatusSeeOther)
}

// uploadNotice says why a form's files were refused, or nil.
func uploadNotice(f *form) *notice {
	switch {
	case f.tooLarge:
		return note("upload_body_too_big")
	case len(f.rejected) > 0:
		return note("upload_refused")
	}
	return nil
}
