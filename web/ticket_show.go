package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"inboxdesk/ticket"
)

type ticketData struct {
	Ticket       *ticket.Ticket
	Conversation []template.HTML // the rendered conversation in pieces (see chunks)
	Reply        replyForm
	// Requester says the viewer is the ticket's requester: they see its
	// participants and may add a colleague (Participants is nil otherwise).
	Requester    bool
	Participants []ticket.Participant
}

// replyForm is the reply box's typed values, kept when a reply is refused.
type replyForm struct {
	Text      string
	Rejected  []rejectedFile
	Colleague string // the address typed in the add-a-colleague form
}

// ticketShow shows the customer's ticket: the whole conversation oldest
// first (never internal notes), its status and attachments, and the reply
// box. Another customer's ticket is "not found", as a missing one is.
func (s *Server) ticketShow(w http.ResponseWriter, r *http.Request) {
	t, ok := s.ownTicket(w, r)
	if !ok {
		return
	}
	var flash *notice
	if r.URL.Query().Get("sent") == "1" {
		flash = note("reply_sent")
	}
	if r.URL.Query().Get("added") == "1" {
		flash = note("participant_added")
	}
	s.renderTicket(w, r, http.StatusOK, t, replyForm{}, nil, flash)
}

// ownTicket loads the ticket in the path if the signed-in customer is its
// requester or one of its participants; otherwise it answers 404 and
// reports false.
func (s *Server) ownTicket(w http.ResponseWriter, r *http.Request) (*ticket.Ticket, bool) {
	var readErr error
	t, ok := s.ticketInPath(w, r, func(t *ticket.Ticket) bool {
		reads, err := s.deps.Tickets.CanRead(r.Context(), t.ID, sessionFrom(r).CustomerID)
		readErr = err
		return err == nil && reads
	})
	if readErr != nil {
		s.log.Error("web: ticket access", "err", readErr)
	}
	return t, ok
}

// ticketInPath loads the ticket numbered in the path when visible says the
// visitor may see it; a ticket they may not see answers 404, as a missing
// one does, and it reports false.
//
// A merged ticket's number leads to the ticket it was merged into: a GET
// is sent to that ticket's address, a POST acts on it.
func (s *Server) ticketInPath(w http.ResponseWriter, r *http.Request, visible func(*ticket.Ticket) bool) (*ticket.Ticket, bool) {
	n := pathNumber(r, "number")
	t, err := s.deps.Tickets.TicketByNumber(r.Context(), n)
	if err == nil && t.MergedIntoID != 0 && visible(t) {
		t, err = s.deps.Tickets.TicketByID(r.Context(), t.MergedIntoID)
		if err == nil && r.Method == http.MethodGet {
			http.Redirect(w, r, s.path(mergedPath(r, n, t.Number)), http.StatusSeeOther)
			return nil, false
		}
	}
	switch {
	case errors.Is(err, ticket.ErrNotFound) || err == nil && !visible(t):
		s.notFound(w, r)
		return nil, false
	case err != nil:
		s.serverError(w, r, "load ticket", err)
		return nil, false
	}
	return t, true
}

func (s *Server) renderTicket(w http.ResponseWriter, r *http.Request, status int, t *ticket.Ticket,
	rf replyForm, errNote, flash *notice) {
	conv, err := s.conversation(r, t)
	if err != nil {
		s.serverError(w, r, "load messages", err)
		return
	}
	if conv.remote {
		w.Header().Set("Content-Security-Policy", cspRemoteImages)
	}
	d := ticketData{Ticket: t, Conversation: chunks(conv.html, chunkBytes), Reply: rf,
		Requester: t.RequesterID == sessionFrom(r).CustomerID}
	if d.Requester {
		if d.Participants, err = s.deps.Tickets.Participants(r.Context(), t.ID); err != nil {
			s.serverError(w, r, "load participants", err)
			return
		}
	}
	s.render(w, r, status, "ticket", &page{Data: d, Error: errNote, Flash: flash}, "")
}

// conversation renders the customer's view of a ticket's messages, or takes
// it from the cache: the key holds everything the rendering depends on (the
// conversation's stamp, language, viewer and view options in the query).
func (s *Server) conversation(r *http.Request, t *ticket.Ticket) (fragment, error) {
	n, last, err := s.deps.Tickets.ConversationStamp(r.Context(), t.ID, false)
	if err != nil {
		return fragment{}, err
	}
	lang := s.language(r, "")
	key := fmt.Sprintf("ticket|%d|%d|%d|%s|%d|%s|%s", t.ID, n, last, lang, sessionFrom(r).CustomerID,
		r.URL.Path, r.URL.RawQuery)
	if f, ok := s.fragments.get(key); ok {
		return f, nil
	}
	msgs, err := s.deps.Tickets.Messages(r.Context(), t.ID, false)
	if err != nil {
		return fragment{}, err
	}
	views, remote := s.messageViews(r, msgs)
	var buf bytes.Buffer
	if err := s.views.byLang[lang]["ticket"].ExecuteTemplate(&buf, "conversation", views); err != nil {
		return fragment{}, fmt.Errorf("render conversation: %w", err)
	}
	f := fragment{html: template.HTML(buf.String()), remote: remote}
	s.fragments.put(key, f)
	return f, nil
}

// mergedPath is the request's address with the merged ticket's number from
// replaced by the number of the ticket it was merged into.
func mergedPath(r *http.Request, from, into int64) string {
	u := *r.URL
	old, repl := "/"+strconv.FormatInt(from, 10), "/"+strconv.FormatInt(into, 10)
	if i := strings.LastIndex(u.Path, old); i >= 0 && (i+len(old) == len(u.Path) || u.Path[i+len(old)] == '/') {
		u.Path = u.Path[:i] + repl + u.Path[i+len(old):]
	}
	u.RawPath = ""
	return u.RequestURI()
}
