package web

import (
	"net/http"

	"inboxdesk/ticket"
)

type pushSettingsData struct {
	Devices  []ticket.PushSubscription
	Channels ticket.AlertChannels // the customer's choice
	Choices  []string             // every choice, in the order shown
}

var channelChoices = []string{string(ticket.ChannelsBoth), string(ticket.ChannelsPush), string(ticket.ChannelsEmail)}

// settingsDone maps the ?done= of a redirect to the settings page to its note.
var settingsDone = map[string]string{"removed": "push_removed", "saved": "channels_saved"}

// pushSettingsShow lists the customer's devices with push alerts on, each
// with "remove", and the choice of alert channels.
func (s *Server) pushSettingsShow(w http.ResponseWriter, r *http.Request) {
	s.renderSettings(w, r, http.StatusOK, nil)
}

func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, status int, errNote *notice) {
	id := sessionFrom(r).CustomerID
	devices, err := s.deps.Tickets.PushSubscriptionsByCustomer(r.Context(), id)
	if err != nil {
		s.serverError(w, r, "list push subscriptions", err)
		return
	}
	channels, err := s.deps.Tickets.AlertChannelsOf(r.Context(), id)
	if err != nil {
		s.serverError(w, r, "alert channels", err)
		return
	}
	p := &page{Data: pushSettingsData{Devices: devices, Channels: channels, Choices: channelChoices}, Error: errNote}
	if key, ok := settingsDone[r.URL.Query().Get("done")]; ok {
		p.Flash = note(key)
	}
	s.render(w, r, status, "settings", p, "")
}
