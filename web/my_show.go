package web

import (
	"net/http"
	"strconv"

	"inboxdesk/lang"
	"inboxdesk/ticket"
)

// myClosedPerPage is how many resolved and closed tickets one page of
// "My tickets" lists (the open ones are all shown, first).
const myClosedPerPage = 25

type myData struct {
	Open, Closed []ticket.Summary
	// The closed list's page (from 1) and the links to its neighbours ("" when none).
	Page               int
	NewerURL, OlderURL string
	New                newTicketForm
	Language           lang.Sources // what is known of the customer's language
}

// newTicketForm is the "New ticket" form's typed values, kept when it is refused.
type newTicketForm struct {
	Subject, Text string
	Rejected      []rejectedFile
}

// myShow lists the customer's tickets, open and closed apart, newest
// activity first (the closed ones by page), with the form for a new one.
func (s *Server) myShow(w http.ResponseWriter, r *http.Request) {
	s.renderMy(w, r, http.StatusOK, newTicketForm{}, nil)
}

func (s *Server) renderMy(w http.ResponseWriter, r *http.Request, status int, nf newTicketForm, errNote *notice) {
	id := sessionFrom(r).CustomerID
	pg, _ := strconv.Atoi(r.URL.Query().Get("page"))
	d := myData{New: nf, Page: min(max(pg, 1), maxQueuePage)}
	var err error
	// One more than a page says whether there is an older one.
	d.Open, d.Closed, err = s.deps.Tickets.CustomerTickets(r.Context(), id, myClosedPerPage+1, (d.Page-1)*myClosedPerPage)
	if err != nil {
		s.serverError(w, r, "list tickets", err)
		return
	}
	if len(d.Closed) > myClosedPerPage {
		d.Closed, d.OlderURL = d.Closed[:myClosedPerPage], s.path("/my?page="+strconv.Itoa(d.Page+1))
	}
	if d.Page > 1 {
		d.NewerURL = s.path("/my?page=" + strconv.Itoa(d.Page-1))
	}
	if d.Language, err = s.deps.Tickets.CustomerLanguages(r.Context(), id); err != nil {
		s.serverError(w, r, "customer languages", err)
		return
	}
	p := &page{Data: d, Error: errNote}
	if r.URL.Query().Get("done") == "language" {
		p.Flash = note("language_saved")
	}
	s.render(w, r, status, "my", p, "")
}
