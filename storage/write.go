package storage

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/jackc/pgx/v5"
	"inboxdesk/ticket"
	"io"
	"strings"
	"time"
)

// ensureCustomer returns the id of the customer with addr's email, creating
// it. mailLang is the language of the mail they just sent ("" if unknown):
// a known one is remembered; a name fills in when none is known yet.
func ensureCustomer(ctx context.Context, tx pgx.Tx, addr ticket.Address, mailLang string) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `WITH c AS (`+upsertCustomerSQL+`) SELECT id FROM c`,
		strings.ToLower(strings.TrimSpace(addr.Email)), addr.Name, mailLang).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("customer: %w", err)
	}
	return id, nil
}

// upsertCustomerSQL inserts the customer ($1 email, $2 name, $3 language of
// their mail) or updates what is new about them, returning id, email and the
// language they are spoken to in (the column the schema derives, lang.Resolve).
const upsertCustomerSQL = `
	INSERT INTO customers (email, name, language_mail) VALUES ($1, $2, $3)
	ON CONFLICT (email) DO UPDATE SET
		name = CASE WHEN customers.name = '' THEN EXCLUDED.name ELSE customers.name END,
		language_mail = CASE WHEN EXCLUDED.language_mail = '' THEN customers.language_mail
			ELSE EXCLUDED.language_mail END
	RETURNING id, email, language`

// sentAt is the mail's Date, or nil when it had none.
func sentAt(in *ticket.Inbound) *time.Time {
	if in.Date.IsZero() {
		return nil
	}
	return &in.Date
}

type newTicket struct {
	Subject     string
	RequesterID int64
	MailboxID   int64
	LinkedID    int64
}

func insertTicket(ctx context.Context, tx pgx.Tx, nt newTicket) (*ticket.Ticket, error) {
	var id int64
	err := tx.QueryRow(ctx, `
		INSERT INTO tickets (subject, requester_id, mailbox_id, linked_ticket_id, last_customer_at)
		VALUES ($1, $2, NULLIF($3, 0), NULLIF($4, 0), now()) RETURNING id`,
		nt.Subject, nt.RequesterID, nt.MailboxID, nt.LinkedID).Scan(&id)
	if err != nil {
		return nil, fmt.Errorf("insert ticket: %w", err)
	}
	return ticketByID(ctx, tx, id, false)
}

// insertMailMessage stores an inbound mail and its attachments on a ticket.
// cust is 0 for machine mail (then auto says why and the message is internal).
// thirdParty marks a person's mail from someone other than the requester:
// it is internal too (agents see it, marked; the customer never does).
func insertMailMessage(ctx context.Context, tx pgx.Tx, cp ticket.Checkpoint, m ticket.Mail, ticketID, cust int64, auto string,
	thirdParty bool) (int64, error) {
	in := m.Parsed
	kind := "customer"
	if cust == 0 {
		kind = "system"
	}
	var id int64
	err := tx.QueryRow(ctx, `
		INSERT INTO messages (ticket_id, author_kind, customer_id, from_name, from_email, subject, body_text,
			body_html, internal, auto_submitted, source, mailbox_id, uidvalidity, uid, message_id, in_reply_to,
			refs, content_hash, sent_at, search, third_party, parse_notes)
		VALUES ($1, $2, NULLIF($3, 0), $4, $5, $6, $7, $8, $9, $10, 'email', NULLIF($11, 0), NULLIF($12, 0),
			NULLIF($13, 0), $14, $15, coalesce($16, '{}'::text[]), $17, $18, $19::tsvector, $20, coalesce($21, '{}'::text[]))
		RETURNING id`,
		ticketID, kind, cust, in.From.Name, in.From.Email, in.Subject, in.Text, in.HTML, auto != "" || thirdParty, auto,
		cp.MailboxID, int64(cp.UIDValidity), int64(m.UID), in.MessageID, strings.Join(in.InReplyTo, " "),
		in.References, in.ContentHash, sentAt(in), in.PreparedVector(), thirdParty, in.Notes).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert message: %w", err)
	}
	return id, insertAttachments(ctx, tx, id, in.Attachments)
}

// insertAttachments stores atts with one COPY. The rows are streamed in
// PostgreSQL's binary COPY format straight from each attachment's bytes:
// pgx's CopyFrom would first encode every value into its own buffer, a
// second copy of a 36 MB attachment held until the row is sent.
func insertAttachments(ctx context.Context, tx pgx.Tx, msgID int64, atts []ticket.Attachment) error {
	if len(atts) == 0 {
		return nil
	}
	_, err := tx.Conn().PgConn().CopyFrom(ctx, attachmentCopy(msgID, atts),
		`COPY attachments (message_id, filename, content_type, content_id, inline, size, sha256, data) FROM STDIN (FORMAT binary)`)
	if err != nil {
		return fmt.Errorf("insert attachments: %w", err)
	}
	return nil
}

// attachmentCopy is the binary COPY stream of atts: a header, one tuple per
// attachment (each field a 4-byte length and its bytes, big-endian numbers)
// and the trailer. The data fields are read from the attachments as they are.
func attachmentCopy(msgID int64, atts []ticket.Attachment) io.Reader {
	parts := []io.Reader{bytes.NewReader(append([]byte("PGCOPY\n\xff\r\n\x00"), 0, 0, 0, 0, 0, 0, 0, 0))}
	for _, a := range atts {
		size, sum, data := attachmentBytes(a)
		var b []byte
		b = binary.BigEndian.AppendUint16(b, 8) // fields
		b = copyField(b, binary.BigEndian.AppendUint64(nil, uint64(msgID)))
		b = copyField(b, []byte(a.Filename))
		b = copyField(b, []byte(a.ContentType))
		b = copyField(b, []byte(a.ContentID))
		inline := byte(0)
		if a.Inline {
			inline = 1
		}
		b = copyField(b, []byte{inline})
		b = copyField(b, binary.BigEndian.AppendUint64(nil, uint64(size)))
		b = copyField(b, sum)
		b = binary.BigEndian.AppendUint32(b, uint32(size))
		parts = append(parts, bytes.NewReader(b), data)
	}
	return io.MultiReader(append(parts, bytes.NewReader([]byte{0xff, 0xff}))...)
}

// attachmentBytes returns an attachment's size, SHA-256 and bytes, held or streamed.
func attachmentBytes(a ticket.Attachment) (int64, []byte, io.Reader) {
	if st := a.Stream; st != nil {
		return st.Size, st.SHA256, &exactReader{r: st.Open(), left: st.Size}
	}
	sum := sha256.Sum256(a.Data)
	return int64(len(a.Data)), sum[:], bytes.NewReader(a.Data)
}

// exactReader fails unless r yields exactly left bytes: a COPY field whose
// length was announced must be filled, and an error aborts the COPY rather
// than store a wrong file.
type exactReader struct {
	r    io.Reader
	left int64
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.left == 0 {
		if n, _ := e.r.Read(make([]byte, 1)); n > 0 {
			return 0, errors.New("attachment stream is longer than announced")
		}
		return 0, io.EOF
	}
	n, err := e.r.Read(p[:min(int64(len(p)), e.left)])
	e.left -= int64(n)
	if err == io.EOF && e.left > 0 {
		return n, errors.New("attachment stream is shorter than announced")
	}
	if err == io.EOF {
		err = nil
	}
	return n, err
}

func copyField(b, v []byte) []byte {
	return append(binary.BigEndian.AppendUint32(b, uint32(len(v))), v...)
}

func addEvent(ctx context.Context, tx pgx.Tx, ticketID int64, kind, actor string, detail map[string]any) error {
	if detail == nil {
		detail = map[string]any{}
	}
	_, err := tx.Exec(ctx, `INSERT INTO events (ticket_id, kind, actor, detail) VALUES ($1, $2, $3, $4)`,
		ticketID, kind, actor, detail)
	if err != nil {
		return fmt.Errorf("event %s: %w", kind, err)
	}
	return nil
}

// cleanText makes typed text storable: valid UTF-8 without NUL bytes.
func cleanText(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}
