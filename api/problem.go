package api

import (
	"encoding/json"
	"errors"
	"net/http"

	"inboxdesk/ticket"
)

// problem answers with an RFC 9457 problem details document.
func problem(w http.ResponseWriter, status int, title, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"type": "about:blank", "status": status, "title": title, "detail": detail,
	})
}

// storeProblem maps an error of the ticket store to its problem.
func (a *API) storeProblem(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, ticket.ErrNotFound):
		problem(w, http.StatusNotFound, "not found", "no such ticket, customer or attachment")
	case errors.Is(err, ticket.ErrStale):
		problem(w, http.StatusPreconditionFailed, "ticket changed",
			"the ticket changed since the ETag given in If-Match; read it again")
	case errors.Is(err, ticket.ErrInvalidMove):
		problem(w, http.StatusConflict, "status change not allowed", err.Error())
	case errors.Is(err, ticket.ErrEmpty):
		problem(w, http.StatusUnprocessableEntity, "message is empty", "text is required")
	default:
		a.log.Error("api", "method", r.Method, "path", r.URL.Path, "err", err)
		problem(w, http.StatusInternalServerError, "internal error", "the request could not be completed")
	}
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// readJSON decodes the request body into v (at most 1 MiB, no unknown fields).
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	return readJSONUpTo(w, r, v, 1<<20)
}

// readJSONUpTo decodes a body of at most limit bytes into v.
func readJSONUpTo(w http.ResponseWriter, r *http.Request, v any, limit int64) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		problem(w, http.StatusBadRequest, "bad JSON body", err.Error())
		return false
	}
	return true
}
