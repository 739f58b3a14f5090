package inbound

import (
	"errors"
	"fmt"
	"runtime/debug"

	"inboxdesk/inbound/mailparse"
	"inboxdesk/ticket"
)

// fetchBatch fetches and parses one batch. A mail over the size limit is not
// downloaded: its header alone is kept in quarantine with the reason. A mail
// the server no longer has (expunged meanwhile) is skipped.
func (p *Poller) fetchBatch(s *session, batch []sizedUID) ([]ticket.Mail, error) {
	var small, big []uint32
	for _, m := range batch {
		if m.size > p.opts.Limits.MaxSize {
			big = append(big, m.uid)
		} else {
			small = append(small, m.uid)
		}
	}
	raws, err := s.fetch(small, false)
	if err != nil {
		return nil, err
	}
	heads, err := s.fetch(big, true)
	if err != nil {
		return nil, err
	}
	mails := make([]ticket.Mail, 0, len(batch))
	for _, m := range batch {
		if h, ok := heads[m.uid]; ok {
			reason := fmt.Sprintf("message is %d bytes, over the %d byte limit (headers kept)", m.size, p.opts.Limits.MaxSize)
			mails = append(mails, ticket.Mail{UID: m.uid, Raw: h, ParseReason: reason, HeadersOnly: true})
			continue
		}
		if raw, ok := raws[m.uid]; ok {
			mails = append(mails, p.parse(m.uid, raw))
		}
	}
	return mails, nil
}

// parse turns raw bytes into a Mail; a parse failure, or even a panic in
// the parser, becomes a quarantine reason instead of stopping the poller.
func (p *Poller) parse(uid uint32, raw []byte) (m ticket.Mail) {
	m = ticket.Mail{UID: uid, Raw: raw}
	defer func() {
		if r := recover(); r != nil {
			p.log.Error("parser panic", "uid", uid, "panic", r, "stack", string(debug.Stack()))
			m.Parsed, m.ParseReason = nil, fmt.Sprintf("parser failure: %v", r)
		}
	}()
	in, err := mailparse.Parse(raw, p.opts.Limits)
	if err != nil {
		var pe *mailparse.Error
		if errors.As(err, &pe) {
			m.ParseReason = pe.Reason
		} else {
			m.ParseReason = err.Error()
		}
		return m
	}
	in.SenderAuthFailure = mailparse.SenderAuthFailure(raw, p.opts.TrustedAuthservID)
	in.Prepare() // here, beside the database, not inside the batch's transaction
	m.Parsed = in
	return m
}
