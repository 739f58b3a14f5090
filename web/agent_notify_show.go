package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"inboxdesk/ticket"
)

type notifyData struct {
	Events    []notifyChoice
	Mailboxes []notifyChoice
	Quiet     bool
	From, To  string // HH:MM, UTC
	Signature string
	Channels  string // email, push or both
	// ChannelChoices are the choices of Channels, in the order shown.
	ChannelChoices []string
}

type notifyChoice struct {
	Value, Label string
	On           bool
}

// agentNotifyShow is the agent's choice of notices: which events, the
// mailboxes they follow (for new tickets), and quiet hours.
func (s *Server) agentNotifyShow(w http.ResponseWriter, r *http.Request) {
	p := &page{}
	switch r.URL.Query().Get("done") {
	case "saved":
		p.Flash = note("notify_saved")
	case "signature":
		p.Flash = note("signature_saved")
	}
	s.renderNotify(w, r, http.StatusOK, p)
}

func (s *Server) renderNotify(w http.ResponseWriter, r *http.Request, status int, p *page) {
	set, err := s.deps.Tickets.AgentNotifyOf(r.Context(), sessionFrom(r).AgentID)
	if err != nil {
		s.serverError(w, r, "agent notify", err)
		return
	}
	boxes, err := s.deps.Tickets.Mailboxes(r.Context())
	if err != nil {
		s.serverError(w, r, "mailboxes", err)
		return
	}
	sig, err := s.deps.Tickets.Signature(r.Context(), sessionFrom(r).AgentID)
	if err != nil {
		s.serverError(w, r, "signature", err)
		return
	}
	d := notifyData{Quiet: set.Quiet, From: clock(set.QuietFrom), To: clock(set.QuietTo), Signature: sig,
		Channels: string(set.Channels), ChannelChoices: []string{"email", "push", "both"}}
	for _, e := range ticket.AgentEvents {
		d.Events = append(d.Events, notifyChoice{Value: string(e), Label: "notify_event_" + string(e), On: slices.Contains(set.Events, e)})
	}
	for _, b := range boxes {
		d.Mailboxes = append(d.Mailboxes, notifyChoice{Value: strconv.FormatInt(b.ID, 10), Label: b.Name, On: slices.Contains(set.Follows, b.ID)})
	}
	p.Data = d
	s.render(w, r, status, "agent_notify", p, "")
}

// agentNotifySave stores the choices. Quiet hours that are not two HH:MM
// times, or channels that are not email, push or both, are refused and
// nothing changes; a form without channels keeps the agent's choice.
func (s *Server) agentNotifySave(w http.ResponseWriter, r *http.Request, f *form) {
	agentID := sessionFrom(r).AgentID
	channels := ticket.AlertChannels(f.get("channels"))
	if channels != "" && !channels.Valid() {
		s.renderNotify(w, r, http.StatusUnprocessableEntity, &page{Error: note("notify_channels_bad")})
		return
	}
	var events []ticket.AgentEvent
	for _, e := range ticket.AgentEvents {
		if slices.Contains(f.values["event"], string(e)) {
			events = append(events, e)
		}
	}
	quiet := f.get("quiet") == "1"
	from, err1 := minutes(f.get("quiet_from"))
	to, err2 := minutes(f.get("quiet_to"))
	if quiet && (err1 != nil || err2 != nil) {
		s.renderNotify(w, r, http.StatusUnprocessableEntity, &page{Error: note("notify_quiet_bad")})
		return
	}
	if err := s.deps.Tickets.SetAgentNotify(r.Context(), agentID, events, quiet, from, to); err != nil {
		s.serverError(w, r, "agent notify", err)
		return
	}
	if channels != "" {
		if err := s.deps.Tickets.SetAgentChannels(r.Context(), agentID, channels); err != nil {
			s.serverError(w, r, "agent channels", err)
			return
		}
	}
	boxes, err := s.deps.Tickets.Mailboxes(r.Context())
	if err != nil {
		s.serverError(w, r, "mailboxes", err)
		return
	}
	for _, b := range boxes {
		follow := slices.Contains(f.values["follow"], strconv.FormatInt(b.ID, 10))
		if err := s.deps.Tickets.FollowMailbox(r.Context(), agentID, b.ID, follow); err != nil {
			s.serverError(w, r, "follow mailbox", err)
			return
		}
	}
	http.Redirect(w, r, s.path("/agent/notifications?done=saved"), http.StatusSeeOther)
}

func clock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// minutes reads HH:MM as minutes after midnight.
func minutes(s string) (int, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, fmt.Errorf("not a time of day: %q", s)
	}
	return hh*60 + mm, nil
}
