package web

import "net/http"

// pushRoutes registers the browser push pages when push is configured
// (Config.PushPublicKey): the subscribe endpoint the "Turn on
// notifications" control posts to, and the settings page with the
// customer's devices and alert channels. Agents subscribe a browser for
// their notices from the Notifications page through the same handler.
func (s *Server) pushRoutes(mux *http.ServeMux) {
	if s.cfg.PushPublicKey == "" {
		return
	}
	mux.HandleFunc("POST /push/subscriptions", s.customer(s.pushSubscribe))
	mux.HandleFunc("POST /agent/push/subscriptions", s.agent(s.pushSubscribe))
	mux.HandleFunc("POST /push/subscriptions/{id}/delete", s.customer(s.post(s.pushRemove)))
	mux.HandleFunc("GET /settings", s.customer(s.pushSettingsShow))
	mux.HandleFunc("POST /settings/channels", s.customer(s.post(s.pushChannelsSet)))
}
