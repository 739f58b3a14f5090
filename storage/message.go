package storage

import (
	"context"
	"fmt"
	"github.com/jackc/pgx/v5"
	"inboxdesk/ticket"
	"strings"
	"time"
)

// messageRow is one row of messages, as every path writes it: mail
// threaded into a ticket, machine mail and bounces, the first mail of a new
// ticket (openTicketSQL), and what customers and agents write on the web.
type messageRow struct {
	authorKind          string // customer, agent, system
	agentID             int64
	fromName, fromEmail string
	subject, text, html string
	internal            bool
	thirdParty          bool
	autoSubmitted       string
	source              string // email, web
	mailboxID           int64
	uidValidity, uid    uint32
	messageID           string
	inReplyTo           string
	refs, notes         []string
	contentHash         []byte
	sentAt              *time.Time
	search              string // a tsvector, as ticket.SearchVector writes it
}

// insertMessageSQL is the one INSERT of messages. The ticket and the
// customer (none: NULL) are the rows of the CTEs tk and cust that the
// statement around it defines; its parameters are messageRow.args.
const insertMessageSQL = `
	INSERT INTO messages (ticket_id, customer_id, author_kind, agent_id, from_name, from_email, subject,
		body_text, body_html, internal, third_party, auto_submitted, source, mailbox_id, uidvalidity, uid,
		message_id, in_reply_to, refs, parse_notes, content_hash, sent_at, search)
	VALUES ((SELECT id FROM tk), (SELECT id FROM cust), $1, NULLIF($2::bigint, 0), $3, $4, $5, $6, $7, $8, $9,
		$10, $11, NULLIF($12::bigint, 0), NULLIF($13::bigint, 0), NULLIF($14::bigint, 0), $15, $16,
		coalesce($17, '{}'::text[]), coalesce($18, '{}'::text[]), $19, $20, $21::tsvector)
	RETURNING id`

func (r messageRow) args() []any {
	return []any{r.authorKind, r.agentID, r.fromName, r.fromEmail, r.subject, r.text, r.html, r.internal,
		r.thirdParty, r.autoSubmitted, r.source, r.mailboxID, int64(r.uidValidity), int64(r.uid), r.messageID,
		r.inReplyTo, r.refs, r.notes, r.contentHash, r.sentAt, r.search}
}

// insertMessageOnSQL inserts a message on ticket $1 by customer $2 (0 for
// none), the rest of its parameters being messageRow.args.
var insertMessageOnSQL = numbered(`WITH tk AS (SELECT $1::bigint AS id), cust AS (SELECT NULLIF($2::bigint, 0) AS id)`,
	insertMessageSQL)

// insertMessage stores r and its attachments on ticket ticketID, written by
// customer cust (0: an agent or the system), and returns its id.
func insertMessage(ctx context.Context, tx pgx.Tx, ticketID, cust int64, r messageRow, atts []ticket.Attachment) (int64, error) {
	var id int64
	if err := tx.QueryRow(ctx, insertMessageOnSQL, append([]any{ticketID, cust}, r.args()...)...).Scan(&id); err != nil {
		return 0, fmt.Errorf("insert message: %w", err)
	}
	return id, insertAttachments(ctx, tx, id, atts)
}

// mailRow is the row of a person's mail m, fetched at checkpoint cp.
func mailRow(cp ticket.Checkpoint, m ticket.Mail) messageRow {
	in := m.Parsed
	return messageRow{authorKind: "customer", fromName: in.From.Name, fromEmail: in.From.Email, subject: in.Subject,
		text: in.Text, html: in.HTML, source: "email", mailboxID: cp.MailboxID, uidValidity: cp.UIDValidity,
		uid: m.UID, messageID: in.MessageID, inReplyTo: strings.Join(in.InReplyTo, " "), refs: in.References,
		notes: in.Notes, contentHash: in.ContentHash, sentAt: sentAt(in), search: in.PreparedVector()}
}

// insertMailMessage stores an inbound mail and its attachments on a ticket.
// cust is 0 for machine mail (then auto says why and the message is internal).
// thirdParty marks a person's mail from someone other than the requester:
// it is internal too (agents see it, marked; the customer never does).
func insertMailMessage(ctx context.Context, tx pgx.Tx, cp ticket.Checkpoint, m ticket.Mail, ticketID, cust int64, auto string,
	thirdParty bool) (int64, error) {
	r := mailRow(cp, m)
	if cust == 0 {
		r.authorKind = "system"
	}
	r.autoSubmitted, r.thirdParty, r.internal = auto, thirdParty, auto != "" || thirdParty
	return insertMessage(ctx, tx, ticketID, cust, r, m.Parsed.Attachments)
}

// sentAt is the mail's Date, or nil when it had none.
func sentAt(in *ticket.Inbound) *time.Time {
	if in.Date.IsZero() {
		return nil
	}
	return &in.Date
}

// webRow is the row of text written on the web by agent agentID (0: by a
// customer, named by name and email).
func (s *Store) webRow(agentID int64, name, email, subject, text string, internal bool) messageRow {
	kind := "customer"
	if agentID != 0 {
		kind = "agent"
	}
	text = cleanText(text)
	return messageRow{authorKind: kind, agentID: agentID, fromName: name, fromEmail: email, subject: subject,
		text: text, internal: internal, source: "web", messageID: s.newMessageID("msg"),
		search: ticket.SearchVector(subject, text)}
}
