package web

import (
	"net/http"

	"inboxdesk/lang"
	"inboxdesk/ticket"
)

type myData struct {
	Open, Closed []ticket.Summary
	New          newTicketForm
	Language     lang.Sources // what is known of the customer's language
}

// newTicketForm is the "New ticket" form's typed values, kept when it is refused.
type newTicketForm struct {
	Subject, Text string
	Rejected      []rejectedFile
}

// myShow lists the customer's tickets, open and closed apart, newest
// activity first, with the form for a new one.
func (s *Server) myShow(w http.ResponseWriter, r *http.Request) {
	s.renderMy(w, r, http.StatusOK, newTicketForm{}, nil)
}

func (s *Server) renderMy(w http.ResponseWriter, r *http.Request, status int, nf newTicketForm, errNote *notice) {
	id := sessionFrom(r).CustomerID
	list, err := s.deps.Tickets.TicketsByCustomer(r.Context(), id)
	if err != nil {
		s.serverError(w, r, "list tickets", err)
		return
	}
	d := myData{New: nf}
	if d.Language, err = s.deps.Tickets.CustomerLanguages(r.Context(), id); err != nil {
		s.serverError(w, r, "customer languages", err)
		return
	}
	for _, t := range list {
		if t.Status.Done() {
			d.Closed = append(d.Closed, t)
		} else {
			d.Open = append(d.Open, t)
		}
	}
	p := &page{Data: d, Error: errNote}
	if r.URL.Query().Get("done") == "language" {
		p.Flash = note("language_saved")
	}
	s.render(w, r, status, "my", p, "")
}
