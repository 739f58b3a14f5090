package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"inboxdesk/ticket"
)

const (
	// liveHeartbeat keeps proxies and the browser from calling an idle
	// stream dead.
	liveHeartbeat = 25 * time.Second
	// liveMaxAge ends a stream after a while (and at the session's end): the
	// browser reconnects, so the session is checked again.
	liveMaxAge = time.Hour
	// liveWriteWait is how long one write may take before the client is
	// given up as gone.
	liveWriteWait = 10 * time.Second
	// liveRetry is the reconnection delay the browser is told (ms).
	liveRetry = 5000
)

// agentEventsStream is the live updates' Server-Sent Events stream: an event
// "change" (data: the ticket id, 0 for "anything") whenever the watched
// ticket (?ticket=NUMBER) or, without it, any ticket changes; a comment every
// liveHeartbeat. It ends when the client goes, the hub stops (shutdown), the
// session ends or liveMaxAge passes. Without a hub it answers 204, which
// tells EventSource not to reconnect.
func (s *Server) agentEventsStream(w http.ResponseWriter, r *http.Request) {
	live := s.deps.Live
	if live == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	watch, ok := s.watchedTicket(w, r)
	if !ok {
		return
	}
	sub, ok := live.subscribe(watch)
	if !ok {
		w.Header().Set("Retry-After", "30")
		http.Error(w, "live updates unavailable", http.StatusServiceUnavailable)
		return
	}
	defer live.unsubscribe(sub)

	rc := http.NewResponseController(w)
	// A server ReadTimeout would otherwise cut the stream.
	if err := rc.SetReadDeadline(time.Time{}); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream") // always UTF-8
	h.Set("X-Accel-Buffering", "no")           // nginx: do not buffer the stream
	w.WriteHeader(http.StatusOK)
	if !sendEvent(w, rc, "retry: "+strconv.Itoa(liveRetry)+"\n: connected\n\n") {
		return
	}
	s.streamChanges(w, r, rc, live, sub)
}

func (s *Server) streamChanges(w http.ResponseWriter, r *http.Request, rc *http.ResponseController, live *Live, sub *liveSub) {
	beat := time.NewTicker(liveHeartbeat)
	defer beat.Stop()
	end := time.NewTimer(min(liveMaxAge, sessionFrom(r).ExpiresAt.Sub(s.now())))
	defer end.Stop()
	data := strconv.FormatInt(sub.ticketID, 10)
	for {
		var msg string
		select {
		case <-r.Context().Done():
			return
		case <-live.done:
			return
		case <-end.C:
			return
		case <-sub.changed:
			msg = "event: change\ndata: " + data + "\n\n"
		case <-beat.C:
			msg = ": ping\n\n"
		}
		if !sendEvent(w, rc, msg) {
			return
		}
	}
}

// watchedTicket returns the id of the ticket whose number is in ?ticket (0
// when none is asked for); a missing ticket answers 404 and reports false.
func (s *Server) watchedTicket(w http.ResponseWriter, r *http.Request) (int64, bool) {
	n := r.URL.Query().Get("ticket")
	if n == "" {
		return 0, true
	}
	num, err := strconv.ParseInt(n, 10, 64)
	if err != nil {
		http.NotFound(w, r)
		return 0, false
	}
	t, err := s.deps.Tickets.TicketByNumber(r.Context(), num)
	switch {
	case errors.Is(err, ticket.ErrNotFound):
		http.NotFound(w, r)
		return 0, false
	case err != nil:
		s.log.Error("web: live stream ticket", "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return 0, false
	}
	return t.ID, true
}

// sendEvent writes and flushes msg within liveWriteWait; false when the
// client is gone or too slow.
func sendEvent(w io.Writer, rc *http.ResponseController, msg string) bool {
	if err := rc.SetWriteDeadline(time.Now().Add(liveWriteWait)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return false
	}
	if _, err := io.WriteString(w, msg); err != nil {
		return false
	}
	return rc.Flush() == nil
}
