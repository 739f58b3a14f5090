package ticket

import (
	"time"
)

// Mailbox is an IMAP folder inboxdesk polls for support mail.
type Mailbox struct {
	ID              int64
	Name            string
	URL             string // imap[s]://user:pass@host:port/folder — holds a password: never log it
	Schedule        string // robfig/cron spec
	ProcessedFolder string // move mail here after commit ("" = leave it)
	MarkSeen        bool   // set \Seen after commit
	Checkpoint      Checkpoint
	LastPollAt      time.Time
	LastError       string
	Backlog         Backlog
	// Grant names the OAuth2 grant the URL signs in with (its ?oauth=NAME);
	// GrantBroken is why the provider refused that grant ("" while it works).
	Grant       string
	GrantBroken string
}

// Backlog is what the last poll that reached the server left there: UIDs
// above the checkpoint, and whether that has stopped shrinking.
type Backlog struct {
	UIDs         int64     // the server's highest UID minus the checkpoint's
	OldestAt     time.Time // arrival of the oldest mail not ingested (zero: none)
	Polls        int       // polls in a row that left it no smaller (0 when none is left)
	StalledSince time.Time // set once Polls reached the poller's limit (zero: moving)
}
