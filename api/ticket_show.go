package api

import "net/http"

// ticketShow answers a ticket with its whole conversation (internal notes
// too: tokens are agents') and its version as ETag.
func (a *API) ticketShow(w http.ResponseWriter, r *http.Request, _ *caller) {
	t, ok := a.ticketOf(w, r)
	if !ok {
		return
	}
	msgs, err := a.deps.Tickets.Messages(r.Context(), t.ID, true)
	if err != nil {
		a.storeProblem(w, r, err)
		return
	}
	out := ticketOut(t)
	out.Messages = messagesOut(msgs)
	if out.Messages == nil {
		out.Messages = []messageJSON{}
	}
	w.Header().Set("ETag", etag(t))
	writeJSON(w, http.StatusOK, out)
}
