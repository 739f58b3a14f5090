// Package ticket is the domain of inboxdesk: tickets, messages, customers,
// alerts and the status machine, as plain values and pure rules. It knows
// nothing of SQL, IMAP, SMTP or HTTP; package storage keeps these values in
// PostgreSQL.
package ticket

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Status is where a ticket is in its life.
type Status string

const (
	StatusOpen     Status = "open"     // waiting for the team
	StatusPending  Status = "pending"  // waiting for the customer (more details requested)
	StatusResolved Status = "resolved" // answered; reopens when the customer writes again
	StatusClosed   Status = "closed"   // final; a new mail opens a new, linked ticket
)

// Domain errors; the edges (web, CLI) map them to their own answers.
var (
	ErrNotFound         = errors.New("not found")
	ErrStale            = errors.New("ticket changed since it was loaded")
	ErrInvalidMove      = errors.New("status change not allowed")
	ErrEmpty            = errors.New("message is empty")
	ErrCheckpointMoved  = errors.New("mailbox checkpoint moved under us")
	ErrMailboxNameTaken = errors.New("a mailbox with that name exists")
	ErrHeadersOnly      = errors.New("only the header was kept (the mail was over the size limit); the whole mail is still on the mail server")
)

// Ticket is one customer conversation.
type Ticket struct {
	ID             int64
	Number         int64
	Subject        string
	Status         Status
	RequesterID    int64
	RequesterEmail string
	RequesterName  string
	AssigneeID     int64 // 0 = unassigned
	AssigneeName   string
	MailboxID      int64
	LinkedTicketID int64 // the older ticket this one continues (0 = none)
	LinkedNumber   int64 // that ticket's number (0 = none)
	MergedIntoID   int64 // the ticket this one was merged into (0 = none): its number leads there
	MergedNumber   int64 // that ticket's number (0 = none)
	Version        int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
	ResolvedAt     time.Time
}

// Requester reports whether email is the address of t's requester, ignoring case.
func (t *Ticket) Requester(email string) bool {
	return strings.EqualFold(t.RequesterEmail, strings.TrimSpace(email))
}

// ErasedDomain is the domain of the address an erased customer is left with.
const ErasedDomain = "erased.invalid"

// RequesterErased reports whether t's requester was erased (EraseCustomer).
func (t *Ticket) RequesterErased() bool {
	return strings.HasSuffix(t.RequesterEmail, "@"+ErasedDomain)
}

// Message is one entry of a ticket's conversation.
type Message struct {
	ID         int64
	TicketID   int64
	AuthorKind string // customer, agent, system
	CustomerID int64
	AgentID    int64
	FromName   string
	FromEmail  string
	Subject    string
	Text       string
	HTML       string
	Internal   bool
	// ThirdParty marks mail that threaded in by Message-ID from someone who
	// is not the requester (FromEmail says who): agents only, like Internal.
	ThirdParty    bool
	AutoSubmitted string
	Source        string // email, web
	MessageID     string
	CreatedAt     time.Time
	Attachments   []AttachmentInfo
	Notes         []string // what the parser could not read as sent (mail only)
}

// AttachmentInfo describes a stored attachment without its bytes.
type AttachmentInfo struct {
	ID          int64
	MessageID   int64
	Filename    string
	ContentType string
	ContentID   string
	Inline      bool
	Size        int64
}

var subjectToken = regexp.MustCompile(`\[#(\d{1,18})\]`)

// SubjectNumber returns the ticket number in a subject's "[#12345]" token, or 0.
func SubjectNumber(subject string) int64 {
	m := subjectToken.FindStringSubmatch(subject)
	if m == nil {
		return 0
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		return 0
	}
	return n
}

var replyPrefix = regexp.MustCompile(`(?i)^\s*((re|fw|fwd|aw|wg|sv|vs|rv|res|enc)\s*(\[\d+\])?\s*:\s*)+`)

// MaxSubjectRunes bounds a ticket's subject (the web form's field takes as
// many): a longer one is cut, so that no mail or form fills the agents'
// queue with one subject.
const MaxSubjectRunes = 200

// CleanSubject strips reply prefixes and our ticket token, for a new ticket's
// subject, and cuts it to MaxSubjectRunes.
func CleanSubject(subject string) string {
	s := subjectToken.ReplaceAllString(subject, "")
	s = replyPrefix.ReplaceAllString(s, "")
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "(no subject)"
	}
	if r := []rune(s); len(r) > MaxSubjectRunes {
		s = strings.TrimSpace(string(r[:MaxSubjectRunes-1])) + "…"
	}
	return s
}

// Post is a message written on the web, by an agent or a customer.
type Post struct {
	TicketID    int64
	Version     int64 // the ticket version the writer saw; 0 skips the stale-write check
	Text        string
	Attachments []Attachment
}

// ErrMerged is returned for a ticket that was merged into another: it
// cannot be merged or split itself (its number leads to the other).
var ErrMerged = errors.New("ticket was merged into another")

// ErrSameTicket is returned for merging a ticket into itself.
var ErrSameTicket = errors.New("a ticket cannot be merged into itself")

// ErrSplitFirst is returned for splitting a ticket at its first message:
// that would move the whole ticket.
var ErrSplitFirst = errors.New("the first message is the whole ticket")

// Erased counts what an erasure removed or anonymised. Ticket and message
// rows stay (emptied), so the team's counts and reports keep adding up.
type Erased struct {
	Tickets       int // tickets whose subject, messages and events were emptied
	Messages      int // messages emptied (the customer's, and every message of their tickets)
	Attachments   int // attachments deleted
	Quarantined   int // held raw mails that named the address, deleted
	Alerts        int // alerts to the address or on the tickets, deleted
	Subscriptions int // push subscriptions deleted
	Sessions      int // sign-in sessions deleted
	Codes         int // sign-in codes, sends and failures deleted
	Webhooks      int // queued or delivered webhook payloads about the tickets, deleted
}

// AttachmentFile is an attachment with its bytes and the ticket it belongs to,
// so the caller can check who may download it.
type AttachmentFile struct {
	AttachmentInfo
	TicketID int64
	Internal bool // on an internal note: agents only
	Data     []byte
}

// Summary is one row of a ticket list.
type Summary struct {
	ID             int64
	Number         int64
	Subject        string
	Status         Status
	RequesterEmail string
	AssigneeName   string
	UpdatedAt      time.Time
	// Queue signals (set by Queue only): the customer's name; since when
	// the customer has waited (their last message came after the team's
	// last public answer; zero when not waiting); whether they wrote since
	// the viewing agent last opened the ticket.
	RequesterName string
	WaitingSince  time.Time
	Unread        bool
}

// Event is one entry of a ticket's audit trail.
type Event struct {
	ID        int64
	Kind      string
	Actor     Actor
	Detail    map[string]any
	CreatedAt time.Time
}

// Customer is a person who writes to support.
type Customer struct {
	ID       int64
	Email    string
	Name     string
	Language string
}

// ErrUnknownLanguage is a language the product does not speak.
var ErrUnknownLanguage = errors.New("unknown language")

// Signed returns a public reply's text with the agent's signature below it
// ("-- " on a line of its own, as mail readers expect); text as is when the
// agent has none.
func Signed(text, signature string) string {
	signature = strings.TrimSpace(signature)
	if signature == "" {
		return text
	}
	return strings.TrimRight(text, " \r\n") + "\n\n-- \n" + signature
}

// ErrBadSignature wraps why a signature cannot be saved.
var ErrBadSignature = errors.New("signature")
