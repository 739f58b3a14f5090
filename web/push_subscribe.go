package web

import (
	"encoding/json"
	"io"
	"net/http"

	"inboxdesk/push"
)

// csrfHeader carries the CSRF token of a script's JSON post (a form's
// "csrf" field cannot).
const csrfHeader = "X-CSRF-Token"

// maxSubscriptionBytes bounds a subscription's JSON (a few hundred bytes in practice).
const maxSubscriptionBytes = 8 << 10

// pushSubscribe stores the signed-in customer's (or agent's) browser subscription: the
// JSON of PushManager.subscribe, posted by static/push.js with the page's
// CSRF token in X-CSRF-Token. It answers 201 with the subscription's id.
func (s *Server) pushSubscribe(w http.ResponseWriter, r *http.Request) {
	if !csrfValid(r, r.Header.Get(csrfHeader)) {
		s.log.Warn("web: push subscription without a valid CSRF token refused")
		s.renderError(w, r, http.StatusForbidden, "error_csrf")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxSubscriptionBytes))
	if err != nil {
		http.Error(w, "subscription too large", http.StatusRequestEntityTooLarge)
		return
	}
	sub, err := push.ParseSubscription(body)
	if err != nil {
		s.log.Info("web: push subscription refused", "err", err)
		http.Error(w, "not a usable push subscription", http.StatusBadRequest)
		return
	}
	sess := sessionFrom(r)
	sub.CustomerID, sub.AgentID, sub.Label = sess.CustomerID, sess.AgentID, deviceLabel(r.UserAgent())
	saved, err := s.deps.Tickets.SavePushSubscription(r.Context(), sub)
	if err != nil {
		s.serverError(w, r, "save push subscription", err)
		return
	}
	s.log.Info("web: push subscription saved", "customer", sess.CustomerID, "agent", sess.AgentID, "subscription", saved.ID)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]int64{"id": saved.ID})
}
