package api

import (
	"net/http"
	"net/mail"
	"strings"

	"inboxdesk/ticket"
)

// ticketCreate opens a ticket for a customer (made if new), as the web's
// form does: {"email", "subject", "text", "attachments"}; the customer gets
// the same alert.
func (a *API) ticketCreate(w http.ResponseWriter, r *http.Request, _ *caller) {
	var body struct {
		Email       string     `json:"email"`
		Subject     string     `json:"subject"`
		Text        string     `json:"text"`
		Attachments []fileJSON `json:"attachments"`
	}
	if !readJSONUpTo(w, r, &body, a.bodyLimit()) {
		return
	}
	files, ok := a.uploads(w, body.Attachments)
	if !ok {
		return
	}
	addr, err := mail.ParseAddress(body.Email)
	if err != nil || addr.Address != strings.TrimSpace(body.Email) {
		problem(w, http.StatusUnprocessableEntity, "bad email", "email must be a plain address")
		return
	}
	if strings.TrimSpace(body.Subject) == "" {
		problem(w, http.StatusUnprocessableEntity, "subject required", "subject must not be empty")
		return
	}
	cust, err := a.deps.Tickets.EnsureCustomer(r.Context(), addr.Address, "")
	if err != nil {
		a.storeProblem(w, r, err)
		return
	}
	t, err := a.deps.Tickets.OpenFromWeb(r.Context(), cust.ID, body.Subject, ticket.Post{Text: body.Text, Attachments: files})
	if err != nil {
		a.storeProblem(w, r, err)
		return
	}
	w.Header().Set("ETag", etag(t))
	w.Header().Set("Location", "/api/v1/tickets/"+itoa(t.Number))
	writeJSON(w, http.StatusCreated, ticketOut(t))
}
