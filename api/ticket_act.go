package api

import (
	"net/http"

	"inboxdesk/ticket"
)

// apiActions are the actions of the agent's ticket page, by path segment.
var apiActions = map[string]ticket.AgentAction{
	"reply":        ticket.ActReply,
	"note":         ticket.ActNote,
	"request-info": ticket.ActRequestInfo,
	"resolve":      ticket.ActResolve,
	"reopen":       ticket.ActReopen,
}

// ticketAct does what the page's buttons do, through storage.Store.Act:
// reply, note, request-info, resolve, reopen, with {"text": "..."}
// (optional for resolve and reopen). If-Match must hold the ETag read.
func (a *API) ticketAct(w http.ResponseWriter, r *http.Request, c *caller) {
	act, known := apiActions[r.PathValue("action")]
	if !known {
		problem(w, http.StatusNotFound, "no such action", "actions are reply, note, request-info, resolve, reopen")
		return
	}
	t, version, ok := a.ticketForWrite(w, r)
	if !ok {
		return
	}
	var body struct {
		Text        string     `json:"text"`
		Attachments []fileJSON `json:"attachments"`
	}
	if r.ContentLength != 0 && !readJSONUpTo(w, r, &body, a.bodyLimit()) {
		return
	}
	files, ok := a.uploads(w, body.Attachments)
	if !ok {
		return
	}
	t, err := a.deps.Tickets.Act(r.Context(), c.token.AgentID, act,
		ticket.Post{TicketID: t.ID, Version: version, Text: body.Text, Attachments: files})
	if err != nil {
		a.storeProblem(w, r, err)
		return
	}
	a.log.Info("api: agent acted", "ticket", t.Number, "agent", c.token.AgentID, "action", string(act))
	w.Header().Set("ETag", etag(t))
	writeJSON(w, http.StatusOK, ticketOut(t))
}

// ticketAssign gives the ticket to {"agent_id": N} (0 or null unassigns).
func (a *API) ticketAssign(w http.ResponseWriter, r *http.Request, c *caller) {
	t, version, ok := a.ticketForWrite(w, r)
	if !ok {
		return
	}
	var body struct {
		AgentID int64 `json:"agent_id"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	if body.AgentID != 0 {
		if _, err := a.deps.Auth.AgentByID(r.Context(), body.AgentID); err != nil {
			problem(w, http.StatusUnprocessableEntity, "no such agent", "agent_id names no agent")
			return
		}
	}
	t, err := a.deps.Tickets.Assign(r.Context(), c.token.AgentID, ticket.Post{TicketID: t.ID, Version: version},
		body.AgentID)
	if err != nil {
		a.storeProblem(w, r, err)
		return
	}
	w.Header().Set("ETag", etag(t))
	writeJSON(w, http.StatusOK, ticketOut(t))
}

// ticketForWrite loads the path's ticket and the version If-Match names.
func (a *API) ticketForWrite(w http.ResponseWriter, r *http.Request) (*ticket.Ticket, int64, bool) {
	t, ok := a.ticketOf(w, r)
	if !ok {
		return nil, 0, false
	}
	version, ok := ifMatch(w, r)
	return t, version, ok
}
