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
	"regexp"
	"strconv"
	"strings"
)

// ensureCustomer returns the id of the customer with addr's email, creating
// it. mailLang is the language of the mail they just sent ("" if unknown):
// a known one is remembered; a name fills in when none is known yet.
func ensureCustomer(ctx context.Context, q querier, addr ticket.Address, mailLang string) (int64, error) {
	return upsertCustomer(ctx, q, addr, mailLang, "")
}

// upsertCustomer is ensureCustomer that also remembers siteLang, the
// language the site is showing them ("" if none).
func upsertCustomer(ctx context.Context, q querier, addr ticket.Address, mailLang, siteLang string) (int64, error) {
	var id int64
	if err := q.QueryRow(ctx, ensureCustomerSQL, customerArgs(addr, mailLang, siteLang)...).Scan(&id); err != nil {
		return 0, fmt.Errorf("customer: %w", err)
	}
	return id, nil
}

// upsertCustomersSQL is the one INSERT of customers: each row (email, name,
// language_mail, language_site) of the CTE nc that the statement around it
// defines is added, or what is new about them is kept — a name when none is
// known, the language of a source that told one. It returns id, email and
// the language they are spoken to in (the column the schema derives,
// lang.Resolve).
const upsertCustomersSQL = `
	INSERT INTO customers (email, name, language_mail, language_site)
	SELECT email, name, language_mail, language_site FROM nc
	ON CONFLICT (email) DO UPDATE SET
		name = CASE WHEN customers.name = '' THEN EXCLUDED.name ELSE customers.name END,
		language_mail = CASE WHEN EXCLUDED.language_mail = '' THEN customers.language_mail
			ELSE EXCLUDED.language_mail END,
		language_site = CASE WHEN EXCLUDED.language_site = '' THEN customers.language_site
			ELSE EXCLUDED.language_site END
	RETURNING id, email, language`

// oneCustomerSQL is the CTE nc of one customer; its parameters are customerArgs.
const oneCustomerSQL = `nc AS (SELECT $1::text AS email, $2::text AS name, $3::text AS language_mail, $4::text AS language_site)`

func customerArgs(addr ticket.Address, mailLang, siteLang string) []any {
	return []any{strings.ToLower(strings.TrimSpace(addr.Email)), addr.Name, mailLang, siteLang}
}

var ensureCustomerSQL = numbered(`WITH `, oneCustomerSQL, `, cust AS (`, upsertCustomersSQL, `) SELECT id FROM cust`)

type newTicket struct {
	Subject     string
	RequesterID int64 // a new mail's ticket takes the customer openTicketSQL upserts instead
	MailboxID   int64
	LinkedID    int64
	// Search is the opening message's search vector (a tsvector literal)
	// when the same statement writes that message: the ticket is born with
	// its words, and the messages' trigger finds nothing to add (migration
	// 00018), sparing each new ticket a rewrite of its row and its indexes.
	Search string
}

// insertTicketSQL is the one INSERT of tickets. The requester is the row of
// the CTE cust that the statement around it defines; its parameters are
// newTicket.args.
const insertTicketSQL = `
	INSERT INTO tickets (subject, requester_id, mailbox_id, linked_ticket_id, last_customer_at, search)
	VALUES ($1, (SELECT id FROM cust), NULLIF($2::bigint, 0), NULLIF($3::bigint, 0), now(), $4::tsvector)
	RETURNING id, number`

func (nt newTicket) args() []any { return []any{nt.Subject, nt.MailboxID, nt.LinkedID, nt.Search} }

var insertTicketForSQL = numbered(`WITH cust AS (SELECT $1::bigint AS id)`, insertTicketSQL)

func insertTicket(ctx context.Context, tx pgx.Tx, nt newTicket) (*ticket.Ticket, error) {
	var id, number int64
	err := tx.QueryRow(ctx, insertTicketForSQL, append([]any{nt.RequesterID}, nt.args()...)...).Scan(&id, &number)
	if err != nil {
		return nil, fmt.Errorf("insert ticket: %w", err)
	}
	return ticketByID(ctx, tx, id, false)
}

// numbered joins the parts of one statement, renumbering the parameters of
// each to follow those of the parts before it: each part numbers its own
// from $1 (a part cannot name a parameter of another), so that one INSERT
// serves alone and inside a statement that writes several tables in one
// round trip.
func numbered(parts ...string) string {
	var b strings.Builder
	before := 0
	for _, p := range parts {
		most := 0
		b.WriteString(sqlParam.ReplaceAllStringFunc(p, func(param string) string {
			n, _ := strconv.Atoi(param[1:]) // the pattern is digits only
			most = max(most, n)
			return "$" + strconv.Itoa(before+n)
		}))
		b.WriteString("\n")
		before += most
	}
	return b.String()
}

var sqlParam = regexp.MustCompile(`\$[0-9]+`)

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

// insertEventSQL is the one INSERT of events: an event on the ticket of
// the CTE tk by the actor (kind, id) of the CTE who that the statement
// around it defines; $1 is its kind, $2 its detail. The actor column holds
// the form ticket.Actor.String writes ("agent:12", "system").
const insertEventSQL = `
	INSERT INTO events (ticket_id, kind, actor, detail)
	SELECT (SELECT id FROM tk), $1::text, who.kind || coalesce(':' || who.id, ''), $2::jsonb FROM who`

var addEventSQL = numbered(`WITH tk AS (SELECT $1::bigint AS id), who AS (SELECT $2::text AS kind, $3::bigint AS id)`,
	insertEventSQL)

// actorArgs are the actor's kind and id (nil for the system and mail).
func actorArgs(a ticket.Actor) []any {
	if a.Person() {
		return []any{string(a.Kind), a.ID}
	}
	return []any{string(a.Kind), nil}
}

func addEvent(ctx context.Context, tx pgx.Tx, ticketID int64, kind string, actor ticket.Actor, detail map[string]any) error {
	if detail == nil {
		detail = map[string]any{}
	}
	args := append(append([]any{ticketID}, actorArgs(actor)...), kind, detail)
	if _, err := tx.Exec(ctx, addEventSQL, args...); err != nil {
		return fmt.Errorf("event %s: %w", kind, err)
	}
	return nil
}

// cleanText makes typed text storable: valid UTF-8 without NUL bytes.
func cleanText(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}
