package web

import "net/http"

// routes registers every page. GET handlers never change anything (mail
// scanners and link previews fetch them) but the language of a page served
// to a signed-in customer (recordSiteLanguage); every POST passes the
// cross-origin check and carries the form's CSRF token.
func (s *Server) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", s.homeShow)
	mux.HandleFunc("GET /static/{name}", s.staticShow)
	mux.HandleFunc("GET /brand.css", s.brandCSSShow)
	mux.HandleFunc("GET /lang/{lang}", s.langSet)

	// Guest path: magic link → code → session (DESIGN.md, promise 6).
	mux.HandleFunc("GET /t/{number}", s.linkShow)
	mux.HandleFunc("POST /t/{number}/code", s.post(s.codeSend))
	mux.HandleFunc("POST /t/{number}/fresh-link", s.post(s.linkFresh))
	mux.HandleFunc("GET /login", s.loginShow)
	mux.HandleFunc("POST /login", s.post(s.loginSend))
	mux.HandleFunc("GET /code", s.codeShow)
	mux.HandleFunc("POST /code", s.post(s.codeCheck))
	mux.HandleFunc("POST /logout", s.post(s.sessionDelete))

	// Signed-in customer.
	mux.HandleFunc("GET /my", s.customer(s.myShow))
	mux.HandleFunc("POST /my/language", s.customer(s.post(s.myLanguageSet)))
	mux.HandleFunc("POST /tickets", s.customer(s.postFiles(s.ticketCreate)))
	mux.HandleFunc("GET /tickets/{number}", s.customer(s.ticketShow))
	mux.HandleFunc("POST /tickets/{number}/reply", s.customer(s.postFiles(s.ticketReply)))
	mux.HandleFunc("POST /tickets/{number}/participants", s.customer(s.post(s.participantAdd)))

	s.agentRoutes(mux)
	s.pushRoutes(mux)

	// Any signed-in role; the handler checks the owner.
	mux.HandleFunc("GET /attachments/{id}", s.signedIn(s.attachmentDownload))

	mux.HandleFunc("/", s.notFound)
}

// handler wraps the routes in the middleware every response goes through.
func (s *Server) handler() http.Handler {
	mux := http.NewServeMux()
	s.routes(mux)
	cop := http.NewCrossOriginProtection()
	// Our own public origin is trusted even when a proxy rewrites Host.
	_ = cop.AddTrustedOrigin(s.cfg.BaseURL.Origin())
	cop.SetDenyHandler(http.HandlerFunc(s.crossOriginDenied))
	var h http.Handler = s.withSession(mux)
	h = cop.Handler(h)
	if s.basePath != "" {
		h = http.StripPrefix(s.basePath, h)
	}
	return s.withHeaders(s.recoverPanics(h))
}
