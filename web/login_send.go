package web

import (
	"net/http"

	"inboxdesk/auth"
	"inboxdesk/link"
)

// loginSend mails a sign-in code to the typed address and goes to the code
// page, which carries the address in a short-lived signed token.
func (s *Server) loginSend(w http.ResponseWriter, r *http.Request, f *form) {
	email, err := auth.NormalizeEmail(f.get("email"))
	if err != nil {
		s.render(w, r, http.StatusUnprocessableEntity, "login",
			&page{Data: loginData{Email: f.get("email")}, Error: note("email_invalid")}, "")
		return
	}
	lang := s.language(r, s.customerLanguage(r, email))
	req := auth.CodeRequest{Email: email, IP: s.clientIP(r), Browser: s.codeNonce(w, r), Purpose: link.PurposeLogin}
	if n := s.sendCode(r, req, lang); n != nil {
		s.render(w, r, codeFailureStatus(n), "login", &page{Data: loginData{Email: email}, Error: n}, lang)
		return
	}
	k := s.cfg.Keys.Sign(link.Claims{Email: email, Purpose: link.PurposeLogin, Expires: s.now().Add(s.cfg.CodePageTTL)})
	http.Redirect(w, r, s.codePath(k), http.StatusSeeOther)
}
