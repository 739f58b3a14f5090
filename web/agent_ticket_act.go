package web

import (
	"errors"
	"net/http"
	"strconv"

	"inboxdesk/ticket"
)

// agentActions are the action buttons' values.
var agentActions = map[string]ticket.AgentAction{
	"reply":        ticket.ActReply,
	"note":         ticket.ActNote,
	"request_info": ticket.ActRequestInfo,
	"resolve":      ticket.ActResolve,
	"reopen":       ticket.ActReopen,
}

// agentTicketAct applies the pressed action button (reply, internal note,
// ask for more information, resolve, reopen) with the typed text and files,
// in one transaction through storage.Store.Act. A refused action (a file
// the rules refuse, nothing written, a status the ticket cannot move to, or
// a ticket that changed since the page was loaded) shows the page again
// with the text kept and nothing stored.
func (s *Server) agentTicketAct(w http.ResponseWriter, r *http.Request, f *form) {
	t, ok := s.agentTicket(w, r)
	if !ok {
		return
	}
	if f.get("action") == "insert" {
		s.agentCannedInsert(w, r, t, f)
		return
	}
	act, known := agentActions[f.get("action")]
	if !known {
		s.renderError(w, r, http.StatusBadRequest, "error_bad_form")
		return
	}
	af := agentForm{Text: f.get("text"), Rejected: f.rejected, Version: formVersion(f)}
	if n := uploadNotice(f); n != nil {
		s.refuseAgentForm(w, r, http.StatusUnprocessableEntity, t, af, n)
		return
	}
	agentID := sessionFrom(r).AgentID
	if af.Macro, ok = s.formMacro(w, r, f); !ok {
		return
	}
	if af.Macro != nil {
		act = af.Macro.Action(act)
	}
	done, err := s.deps.Tickets.Act(r.Context(), agentID, act,
		ticket.Post{TicketID: t.ID, Version: af.Version, Text: af.Text, Attachments: f.files})
	if err == nil {
		err = s.macroAssign(r, done, af.Macro)
	}
	if err != nil {
		s.actRefused(w, r, t, af, err)
		return
	}
	s.log.Info("web: agent acted", "ticket", t.Number, "agent", agentID, "action", string(act), "files", len(f.files))
	http.Redirect(w, r, s.agentTicketPath(t.Number)+"?done="+string(act)+"#thread", http.StatusSeeOther)
}

// actRefused answers an action or assignment that storage.Store refused.
func (s *Server) actRefused(w http.ResponseWriter, r *http.Request, t *ticket.Ticket, af agentForm, err error) {
	switch {
	case errors.Is(err, ticket.ErrStale):
		s.refuseAgentForm(w, r, http.StatusConflict, t, af, note("agent_stale"))
	case errors.Is(err, ticket.ErrInvalidMove):
		s.refuseAgentForm(w, r, http.StatusConflict, t, af, note("agent_invalid_move"))
	case errors.Is(err, ticket.ErrEmpty):
		s.refuseAgentForm(w, r, http.StatusUnprocessableEntity, t, af, note("message_empty"))
	case errors.Is(err, ticket.ErrNotFound):
		s.notFound(w, r)
	default:
		s.serverError(w, r, "agent action", err)
	}
}

// refuseAgentForm shows the ticket as it is now, with the typed text kept.
// The form then carries the current version: the agent has seen the change
// and may send again.
func (s *Server) refuseAgentForm(w http.ResponseWriter, r *http.Request, status int, t *ticket.Ticket,
	af agentForm, n *notice) {
	fresh, err := s.deps.Tickets.TicketByID(r.Context(), t.ID)
	if err != nil {
		s.serverError(w, r, "reload ticket", err)
		return
	}
	af.Version = fresh.Version
	s.renderAgentTicket(w, r, status, "layout", fresh, af, n, nil)
}

// formVersion reads the form's hidden version field; a missing or broken
// one is -1, which never matches, so the write is refused as stale rather
// than let through unchecked.
func formVersion(f *form) int64 {
	v, err := strconv.ParseInt(f.get("version"), 10, 64)
	if err != nil || v <= 0 {
		return -1
	}
	return v
}

func (s *Server) agentTicketPath(n int64) string {
	return s.path("/agent/tickets/" + strconv.FormatInt(n, 10))
}
