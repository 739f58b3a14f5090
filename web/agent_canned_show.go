package web

import (
	"errors"
	"net/http"

	"inboxdesk/ticket"
)

type cannedData struct {
	Replies []ticket.Canned
	Form    ticket.Canned // the new-reply form's values after a refusal
	Shared  bool
}

// agentCannedShow lists the canned replies the agent may use, with the
// form for a new one (admins may make it shared).
func (s *Server) agentCannedShow(w http.ResponseWriter, r *http.Request) {
	p := &page{}
	if r.URL.Query().Get("done") == "saved" {
		p.Flash = note("canned_saved")
	}
	s.renderCanned(w, r, http.StatusOK, p, cannedData{})
}

func (s *Server) renderCanned(w http.ResponseWriter, r *http.Request, status int, p *page, d cannedData) {
	list, err := s.deps.Tickets.CannedFor(r.Context(), sessionFrom(r).AgentID)
	if err != nil {
		s.serverError(w, r, "canned replies", err)
		return
	}
	d.Replies = list
	p.Data = d
	s.render(w, r, status, "agent_canned", p, "")
}

// agentCannedCreate saves a new canned reply: personal, or shared when an
// admin asks (an agent asking for shared gets 403). A template that does not
// render is refused with the reason, the typed text kept.
func (s *Server) agentCannedCreate(w http.ResponseWriter, r *http.Request, f *form) {
	sess := sessionFrom(r)
	c := ticket.Canned{OwnerID: sess.AgentID, Title: f.get("title"), Body: f.get("body"),
		SetStatus: ticket.Status(f.get("status")), SetAssign: ticket.CannedAssign(f.get("assign"))}
	shared := f.get("shared") == "1"
	if shared && !sess.Admin {
		s.renderError(w, r, http.StatusForbidden, "error_admin_only")
		return
	}
	if shared {
		c.OwnerID = 0
	}
	_, err := s.deps.Tickets.CreateCanned(r.Context(), c)
	if errors.Is(err, ticket.ErrBadCanned) {
		s.renderCanned(w, r, http.StatusUnprocessableEntity, &page{Error: note("canned_bad", err.Error())},
			cannedData{Form: c, Shared: shared})
		return
	}
	if err != nil {
		s.serverError(w, r, "create canned reply", err)
		return
	}
	http.Redirect(w, r, s.path("/agent/canned?done=saved"), http.StatusSeeOther)
}

// agentCannedDelete removes a canned reply: one's own, or a shared one if
// an admin. Another agent's personal reply does not exist for the caller.
func (s *Server) agentCannedDelete(w http.ResponseWriter, r *http.Request, _ *form) {
	sess := sessionFrom(r)
	c, err := s.deps.Tickets.CannedByID(r.Context(), pathNumber(r, "id"), sess.AgentID)
	switch {
	case errors.Is(err, ticket.ErrNotFound):
		s.notFound(w, r)
		return
	case err != nil:
		s.serverError(w, r, "canned reply", err)
		return
	case c.Shared() && !sess.Admin:
		s.renderError(w, r, http.StatusForbidden, "error_admin_only")
		return
	}
	if err := s.deps.Tickets.DeleteCanned(r.Context(), c.ID); err != nil && !errors.Is(err, ticket.ErrNotFound) {
		s.serverError(w, r, "delete canned reply", err)
		return
	}
	http.Redirect(w, r, s.path("/agent/canned"), http.StatusSeeOther)
}
