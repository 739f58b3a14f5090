package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"inboxdesk/ticket"
)

// agentCannedInsert is the reply box's "Insert" button (it works without
// JavaScript): the chosen canned reply, filled in for this ticket and agent,
// is added to the typed text and the page is shown again. A macro's
// changes are carried in the form and applied when the reply is sent. The
// form keeps the version it was loaded with, so the stale guard still holds.
func (s *Server) agentCannedInsert(w http.ResponseWriter, r *http.Request, t *ticket.Ticket, f *form) {
	sess := sessionFrom(r)
	af := agentForm{Text: f.get("text"), Version: formVersion(f)}
	id, _ := strconv.ParseInt(f.get("canned"), 10, 64)
	c, err := s.deps.Tickets.CannedByID(r.Context(), id, sess.AgentID)
	if errors.Is(err, ticket.ErrNotFound) {
		s.renderAgentTicket(w, r, http.StatusUnprocessableEntity, "layout", t, af, note("canned_choose"), nil)
		return
	}
	if err != nil {
		s.serverError(w, r, "canned reply", err)
		return
	}
	text, err := ticket.RenderCanned(c.Body, ticket.NewCannedData(t, sess.Name))
	if err != nil {
		s.renderAgentTicket(w, r, http.StatusUnprocessableEntity, "layout", t, af, note("canned_bad", err.Error()), nil)
		return
	}
	if strings.TrimSpace(af.Text) != "" {
		af.Text = strings.TrimRight(af.Text, "\r\n") + "\n\n"
	}
	af.Text += text
	var flash *notice
	if c.Macro() {
		af.Macro, flash = c, note("canned_macro_pending")
	}
	s.renderAgentTicket(w, r, http.StatusOK, "layout", t, af, nil, flash)
}

// formMacro loads the macro the form carries (nil when none). One the
// agent may not use is refused: the page is written and ok is false.
func (s *Server) formMacro(w http.ResponseWriter, r *http.Request, f *form) (*ticket.Canned, bool) {
	v := f.get("macro")
	if v == "" {
		return nil, true
	}
	id, _ := strconv.ParseInt(v, 10, 64)
	c, err := s.deps.Tickets.CannedByID(r.Context(), id, sessionFrom(r).AgentID)
	switch {
	case errors.Is(err, ticket.ErrNotFound):
		s.renderError(w, r, http.StatusBadRequest, "error_bad_form")
		return nil, false
	case err != nil:
		s.serverError(w, r, "canned reply", err)
		return nil, false
	}
	return c, true
}

// macroAssign sets the assignee a macro names, right after the reply the
// macro went with (t is the ticket as that reply left it).
func (s *Server) macroAssign(r *http.Request, t *ticket.Ticket, c *ticket.Canned) error {
	if c == nil || c.SetAssign == ticket.AssignKeep {
		return nil
	}
	agentID := sessionFrom(r).AgentID
	to := agentID
	if c.SetAssign == ticket.AssignNone {
		to = 0
	}
	if t.AssigneeID == to {
		return nil
	}
	_, err := s.deps.Tickets.Assign(r.Context(), agentID, ticket.Post{TicketID: t.ID, Version: t.Version}, to)
	return err
}
