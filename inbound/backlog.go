package inbound

import (
	"context"
	"time"

	"inboxdesk/ticket"
)

// backlogOf is what a poll leaves on the server: the UIDs between the
// committed checkpoint and the highest UID seen, and the arrival of the
// oldest mail not committed.
func backlogOf(highest uint32, pending []sizedUID, committed uint32) (uids int64, oldest time.Time) {
	if n := len(pending); n > 0 {
		highest = max(highest, pending[n-1].uid)
	}
	if highest <= committed {
		return 0, time.Time{}
	}
	for _, m := range pending {
		if m.uid > committed {
			oldest = m.arrived
			break
		}
	}
	return int64(highest - committed), oldest
}

// noteBacklog records the backlog for metrics and the agents' queue, and
// warns, every StalledAfter polls, while it does not shrink.
func (p *Poller) noteBacklog(ctx context.Context, mb *ticket.Mailbox, st *Stats, uids int64, oldest time.Time) {
	b, err := p.store.RecordBacklog(context.WithoutCancel(ctx), mb.ID, uids, oldest, p.opts.StalledAfter)
	if err != nil {
		p.log.Warn("record backlog", "mailbox", mb.Name, "err", err)
		return
	}
	st.Backlog = b
	if b.Polls >= p.opts.StalledAfter && b.Polls%p.opts.StalledAfter == 0 {
		attrs := []any{"mailbox", mb.Name, "backlog_uids", b.UIDs, "polls", b.Polls}
		if !b.OldestAt.IsZero() {
			attrs = append(attrs, "oldest_waiting", time.Since(b.OldestAt).Round(time.Second))
		}
		p.log.Warn("mailbox backlog is not shrinking", attrs...)
	}
}
