package api

import (
	"net/http"
	"strconv"
)

// customerShow answers a customer by address with their tickets.
func (a *API) customerShow(w http.ResponseWriter, r *http.Request, _ *caller) {
	c, err := a.deps.Tickets.CustomerByEmail(r.Context(), r.PathValue("email"))
	if err != nil {
		a.storeProblem(w, r, err)
		return
	}
	list, err := a.deps.Tickets.TicketsByCustomer(r.Context(), c.ID)
	if err != nil {
		a.storeProblem(w, r, err)
		return
	}
	tickets := make([]summaryJSON, 0, len(list))
	for _, t := range list {
		tickets = append(tickets, summaryJSON{Number: t.Number, Subject: t.Subject, Status: t.Status,
			RequesterEmail: t.RequesterEmail, AssigneeName: t.AssigneeName, UpdatedAt: t.UpdatedAt})
	}
	writeJSON(w, http.StatusOK, map[string]any{"email": c.Email, "name": c.Name, "language": c.Language,
		"tickets": tickets})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
