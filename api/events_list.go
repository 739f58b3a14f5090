package api

import (
	"net/http"
	"time"
)

type eventJSON struct {
	ID        int64          `json:"id"`
	Kind      string         `json:"kind"`
	Actor     string         `json:"actor"`
	Detail    map[string]any `json:"detail"`
	CreatedAt time.Time      `json:"created_at"`
}

// eventsList answers a ticket's audit trail, oldest first.
func (a *API) eventsList(w http.ResponseWriter, r *http.Request, _ *caller) {
	t, ok := a.ticketOf(w, r)
	if !ok {
		return
	}
	evs, err := a.deps.Tickets.Events(r.Context(), t.ID)
	if err != nil {
		a.storeProblem(w, r, err)
		return
	}
	out := make([]eventJSON, 0, len(evs))
	for _, e := range evs {
		out = append(out, eventJSON{ID: e.ID, Kind: e.Kind, Actor: e.Actor.String(), Detail: e.Detail, CreatedAt: e.CreatedAt})
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": out})
}
