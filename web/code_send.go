package web

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"

	"inboxdesk/auth"
	"inboxdesk/link"
)

// codeSend mails a one-time code to the address bound in the ticket link's
// token — never to an address the visitor types — and goes to the code page.
func (s *Server) codeSend(w http.ResponseWriter, r *http.Request, f *form) {
	k := f.get("k")
	c, err := s.linkClaims(r, k)
	if err != nil {
		s.tokenRefused(w, r, err)
		return
	}
	lang := s.language(r, s.customerLanguage(r, c.Email))
	req := auth.CodeRequest{Email: c.Email, IP: s.clientIP(r), Browser: s.codeNonce(w, r), Purpose: link.PurposeTicket, Ticket: c.Ticket}
	if n := s.sendCode(r, req, lang); n != nil {
		d := linkData{Number: c.Ticket, Token: k, Masked: maskEmail(c.Email)}
		s.render(w, r, codeFailureStatus(n), "link", &page{Data: d, Error: n}, lang)
		return
	}
	http.Redirect(w, r, s.codePath(k), http.StatusSeeOther)
}

// sendCode makes a code and mails it. It returns nil on success, else the
// notice to show.
func (s *Server) sendCode(r *http.Request, req auth.CodeRequest, lang string) *notice {
	code, err := s.deps.Auth.CreateCode(r.Context(), req)
	switch {
	case errors.Is(err, auth.ErrTooManySends):
		s.log.Info("web: code send limited", "to", maskEmail(req.Email), "ip", req.IP)
		return note("code_too_many")
	case errors.Is(err, auth.ErrInvalidAddress):
		return note("email_invalid")
	case err != nil:
		s.log.Error("web: create code", slog.Any("err", err))
		return note("code_send_failed")
	}
	if err := s.deps.Codes.SendCode(r.Context(), req.Email, code, lang); err != nil {
		s.log.Error("web: send code", "to", maskEmail(req.Email), slog.Any("err", err))
		return note("code_send_failed")
	}
	s.log.Info("web: code sent", "to", maskEmail(req.Email), "purpose", req.Purpose, "ticket", req.Ticket)
	return nil
}

func codeFailureStatus(n *notice) int {
	switch n.Key {
	case "code_too_many":
		return http.StatusTooManyRequests
	case "email_invalid":
		return http.StatusUnprocessableEntity
	}
	return http.StatusServiceUnavailable
}

func (s *Server) codePath(k string) string {
	return s.path("/code?" + url.Values{"k": {k}, "sent": {"1"}}.Encode())
}
