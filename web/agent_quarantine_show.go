package web

import (
	"net/http"
	"strings"

	"inboxdesk/inbound/mailparse"
	"inboxdesk/ticket"
)

// quarantineShown is how many held mails the quarantine page lists.
const quarantineShown = 200

type quarantineData struct {
	Mails []quarantineRow
}

// quarantineRow is a held mail; Auto marks one held as machine-generated,
// which an agent may ingest as a person's mail anyway; Sender one held for
// failing sender authentication, which an agent may release as a new ticket.
type quarantineRow struct {
	ticket.Quarantined
	Auto    bool
	Sender  bool
	Bytes   int64
	From    ticket.Address
	Subject string
}

// quarantineRows loads the held mail for the page.
func (s *Server) quarantineRows(r *http.Request) ([]quarantineRow, error) {
	list, err := s.deps.Tickets.QuarantineList(r.Context(), quarantineShown)
	if err != nil {
		return nil, err
	}
	rows := make([]quarantineRow, 0, len(list))
	for _, q := range list {
		row := quarantineRow{Quarantined: q, Bytes: int64(q.Size),
			Auto:   strings.HasPrefix(q.Reason, "auto-submitted"),
			Sender: strings.HasPrefix(q.Reason, ticket.SenderAuthReason)}
		row.From, row.Subject = mailparse.Summary(q.Head)
		rows = append(rows, row)
	}
	return rows, nil
}

// agentQuarantineShow lists mail that could not be ingested, newest first,
// with its sender, subject and the reason, a download of the raw source, and
// retry (release, for mail held for its sender) and discard.
func (s *Server) agentQuarantineShow(w http.ResponseWriter, r *http.Request) {
	rows, err := s.quarantineRows(r)
	if err != nil {
		s.serverError(w, r, "quarantine", err)
		return
	}
	var flash *notice
	if done := r.URL.Query().Get("done"); done == "retried" || done == "discarded" {
		flash = note("agent_quarantine_" + done)
	}
	s.render(w, r, http.StatusOK, "agent_quarantine", &page{Data: quarantineData{Mails: rows}, Flash: flash}, "")
}
