package storage

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"github.com/jackc/pgx/v5"
	"inboxdesk/ticket"
	"strings"
	"time"
)

// IngestBatch commits a batch of mails and the new checkpoint in one
// transaction: either every mail's message, ticket change, event and alert and
// the advanced checkpoint are committed, or none is. from is the checkpoint the
// caller read before fetching; if it moved meanwhile (another poller), nothing
// is written and ErrCheckpointMoved is returned.
func (s *Store) IngestBatch(ctx context.Context, from ticket.Checkpoint, mails []ticket.Mail) ([]ticket.Result, error) {
	if len(mails) == 0 {
		return nil, nil
	}
	var results []ticket.Result
	ctx = withOwnMemo(ctx)
	err := s.tx(ctx, func(tx pgx.Tx) error {
		results = results[:0]
		last := from.LastUID
		known, err := knownMail(ctx, tx, from, mails)
		if err != nil {
			return err
		}
		// Plain new mails wait in plain and are opened together, before any
		// other mail is ingested: the order of what is written stays the
		// mailbox's order.
		var plain []ticket.Mail
		flush := func() error {
			if len(plain) == 0 {
				return nil
			}
			rs, err := s.openMany(ctx, tx, from, plain)
			results, plain = append(results, rs...), plain[:0]
			return err
		}
		for _, m := range mails {
			last = max(last, m.UID)
			if known.has(m) {
				if err := flush(); err != nil {
					return err
				}
				results = append(results, ticket.Result{UID: m.UID, Outcome: ticket.OutcomeDuplicate})
				continue
			}
			if known.uidReused(m) {
				m.UID = 0 // stored without a UID: the server gave this one to other mail too
			}
			known.add(m)
			if opensPlainTicket(m) {
				plain = append(plain, m)
				continue
			}
			if err := flush(); err != nil {
				return err
			}
			r, err := s.ingestOne(ctx, tx, from, m)
			if err != nil {
				return fmt.Errorf("uid %d: %w", m.UID, err)
			}
			results = append(results, r)
		}
		if err := flush(); err != nil {
			return err
		}
		if err := s.noticeNewTickets(ctx, tx, from.MailboxID, results); err != nil {
			return err
		}
		return advanceCheckpoint(ctx, tx, from, last)
	})
	if err != nil {
		return nil, fmt.Errorf("ingest batch: %w", err)
	}
	return results, nil
}

func advanceCheckpoint(ctx context.Context, tx pgx.Tx, from ticket.Checkpoint, last uint32) error {
	tag, err := tx.Exec(ctx, `
		UPDATE mailboxes SET uidvalidity = $2, last_uid = $3, last_poll_at = now(), last_error = ''
		WHERE id = $1 AND uidvalidity = $4 AND last_uid = $5`,
		from.MailboxID, int64(from.UIDValidity), int64(last), int64(from.UIDValidity), int64(from.LastUID))
	if err != nil {
		return err
	}
	if tag.RowsAffected() != 1 {
		return ticket.ErrCheckpointMoved
	}
	return nil
}

// ResetCheckpoint records a new UIDVALIDITY: the mailbox is re-scanned from
// UID 1 and already-ingested mail is recognised by Message-ID + content hash.
func (s *Store) ResetCheckpoint(ctx context.Context, from ticket.Checkpoint, uidValidity uint32) error {
	tag, err := s.pool.Exec(ctx, `
		UPDATE mailboxes SET uidvalidity = $2, last_uid = 0
		WHERE id = $1 AND uidvalidity = $3 AND last_uid = $4`,
		from.MailboxID, int64(uidValidity), int64(from.UIDValidity), int64(from.LastUID))
	if err != nil {
		return fmt.Errorf("reset checkpoint: %w", err)
	}
	if tag.RowsAffected() != 1 {
		return ticket.ErrCheckpointMoved
	}
	return nil
}

// ingestOne ingests one mail that is not known yet.
func (s *Store) ingestOne(ctx context.Context, tx pgx.Tx, cp ticket.Checkpoint, m ticket.Mail) (ticket.Result, error) {
	res := ticket.Result{UID: m.UID}
	if m.Parsed == nil {
		return s.quarantine(ctx, tx, cp, m, m.ParseReason)
	}
	in := m.Parsed
	if in.SenderAuthFailure != "" && !m.Released {
		return s.quarantine(ctx, tx, cp, m, in.SenderAuthFailure)
	}
	if in.Bounce != nil && !m.Released {
		return s.ingestBounce(ctx, tx, cp, m)
	}
	t, err := s.threadOf(ctx, tx, m)
	if err != nil {
		return res, err
	}
	if in.AutoSubmitted != "" {
		if t == nil {
			return s.quarantine(ctx, tx, cp, m, machineReason(in.AutoSubmitted))
		}
		return s.logAuto(ctx, tx, cp, m, t)
	}
	if in.From.Email == "" {
		return s.quarantine(ctx, tx, cp, m, "no sender address")
	}
	thirdParty := false
	if t != nil {
		reads, err := addressReads(ctx, tx, t.ID, in.From.Email)
		if err != nil {
			return res, err
		}
		thirdParty = !reads // neither the requester nor a participant
	}
	switch {
	case t == nil:
		return s.openFromMail(ctx, tx, cp, m, nil)
	case s.startsNewTicket(t) && thirdParty:
		return s.openFromMail(ctx, tx, cp, m, nil) // their own ticket, linking none of someone else's
	case s.startsNewTicket(t):
		return s.openFromMail(ctx, tx, cp, m, t)
	}
	return s.threadCustomerMail(ctx, tx, cp, m, t, thirdParty)
}

// threadOf is the ticket m threads into, or nil: always nil for mail an
// agent released from sender-authentication quarantine.
func (s *Store) threadOf(ctx context.Context, tx pgx.Tx, m ticket.Mail) (*ticket.Ticket, error) {
	if m.Released {
		return nil, nil
	}
	return s.findThread(ctx, tx, m.Parsed)
}

// machineReason is the quarantine reason of machine mail that has no ticket:
// labelled "auto-submitted" (the quarantine page offers to force such mail
// in), unless the parser's reason, from the Auto-Submitted field, is so
// labelled already.
func machineReason(why string) string {
	if strings.HasPrefix(why, "auto-submitted") {
		return why
	}
	return "auto-submitted: " + why
}

// knownSet is what a batch already finds stored, keyed by UID (a re-fetch)
// and by Message-ID + content hash (a re-scan after a UIDVALIDITY change, or
// an exact re-delivery); mails earlier in the batch are added as it goes.
type knownSet struct {
	uids    map[uint32]string // the content key stored under the UID ("" for held mail)
	content map[string]bool
}

func contentKey(in *ticket.Inbound) string { return in.MessageID + "\x00" + string(in.ContentHash) }

// has reports whether m is stored already: its UID holds this very mail, or
// the same mail is stored under another UID.
func (k knownSet) has(m ticket.Mail) bool {
	if key, ok := k.uids[m.UID]; ok && !k.otherMailAt(m, key) {
		return true
	}
	return m.Parsed != nil && k.content[contentKey(m.Parsed)]
}

// uidReused reports whether m's UID already holds a different mail: the
// server broke the promise of UIDVALIDITY (an in-memory server restarted,
// say). The mail is new and is kept, without the UID it cannot have.
func (k knownSet) uidReused(m ticket.Mail) bool {
	key, ok := k.uids[m.UID]
	return ok && k.otherMailAt(m, key)
}

func (k knownSet) otherMailAt(m ticket.Mail, key string) bool {
	return key != "" && m.Parsed != nil && key != contentKey(m.Parsed)
}

func (k knownSet) add(m ticket.Mail) {
	if _, taken := k.uids[m.UID]; !taken {
		k.uids[m.UID] = ""
		if m.Parsed != nil {
			k.uids[m.UID] = contentKey(m.Parsed)
		}
	}
	if m.Parsed != nil {
		k.content[contentKey(m.Parsed)] = true
	}
}

// knownMail looks up, in one query, which mails of the batch are stored already.
func knownMail(ctx context.Context, tx pgx.Tx, cp ticket.Checkpoint, mails []ticket.Mail) (knownSet, error) {
	k := knownSet{uids: map[uint32]string{}, content: map[string]bool{}}
	uids := make([]int64, 0, len(mails))
	ids := make([]string, 0, len(mails))
	for _, m := range mails {
		uids = append(uids, int64(m.UID))
		if m.Parsed != nil {
			ids = append(ids, m.Parsed.MessageID)
		}
	}
	// One lookup per index (UIDs, Message-IDs, held mail): one query with OR
	// between the UID and Message-ID conditions is planned (as a prepared
	// statement) as a scan of the whole messages table, which made every
	// batch slower than the last. Mail of a
	// removed mailbox (mailbox_id NULL) counts as known too: removing a
	// mailbox and adding it again, the way to change its address, scans it
	// from the start. It is planned for each batch's own values
	// (QueryExecModeExec): a plan cached on a young, empty table filters the
	// batch's UIDs instead of looking them up, reading the whole mailbox
	// once a batch.
	rows, err := tx.Query(ctx, `
		SELECT uid, message_id, content_hash FROM messages
		WHERE mailbox_id = $1 AND uidvalidity = $2 AND uid = ANY($3) AND uid IS NOT NULL
		UNION ALL
		SELECT NULL, message_id, content_hash FROM messages
		WHERE message_id = ANY($4) AND (mailbox_id = $1 OR mailbox_id IS NULL AND source = 'email')
		UNION ALL
		SELECT uid, '', NULL FROM quarantine
		WHERE mailbox_id = $1 AND uidvalidity = $2 AND uid = ANY($3) AND uid IS NOT NULL`,
		pgx.QueryExecModeExec, cp.MailboxID, int64(cp.UIDValidity), uids, ids)
	if err != nil {
		return k, fmt.Errorf("dedup: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var uid *int64
		var id string
		var hash []byte
		if err := rows.Scan(&uid, &id, &hash); err != nil {
			return k, fmt.Errorf("dedup: %w", err)
		}
		if hash != nil {
			k.content[id+"\x00"+string(hash)] = true
		}
		if uid != nil {
			key := "" // held mail: its UID counts as known whatever comes under it
			if hash != nil {
				key = id + "\x00" + string(hash)
			}
			if prev, seen := k.uids[uint32(*uid)]; !seen || prev != "" {
				k.uids[uint32(*uid)] = key
			}
		}
	}
	if err := rows.Err(); err != nil {
		return k, fmt.Errorf("dedup: %w", err)
	}
	return k, erasedIn(ctx, tx, mails, k)
}

// quarantine holds m with the reason, unless the same bytes are held (or
// were, and were retried or discarded) for this mailbox or a removed one:
// then m is a duplicate.
func (s *Store) quarantine(ctx context.Context, tx pgx.Tx, cp ticket.Checkpoint, m ticket.Mail, reason string) (ticket.Result, error) {
	hash := sha256.Sum256(m.Raw)
	tag, err := tx.Exec(ctx, `
		INSERT INTO quarantine (mailbox_id, uidvalidity, uid, reason, raw, headers_only, content_hash)
		SELECT $1, $2, NULLIF($3::bigint, 0), $4, $5, $6, $7
		WHERE NOT EXISTS (SELECT 1 FROM quarantine
			WHERE content_hash = $7 AND (mailbox_id = $1 OR mailbox_id IS NULL))
		AND NOT EXISTS (SELECT 1 FROM erased_mail WHERE digest = $7)
		ON CONFLICT DO NOTHING`,
		cp.MailboxID, int64(cp.UIDValidity), int64(m.UID), reason, m.Raw, m.HeadersOnly, hash[:])
	if err != nil {
		return ticket.Result{}, fmt.Errorf("quarantine: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ticket.Result{UID: m.UID, Outcome: ticket.OutcomeDuplicate, Reason: "held already: " + reason}, nil
	}
	return ticket.Result{UID: m.UID, Outcome: ticket.OutcomeQuarantined, Reason: reason}, nil
}

// startsNewTicket reports whether customer mail on t should open a new ticket
// that links t instead of reopening it: mail may not move t (it is closed),
// or t was resolved too long ago.
func (s *Store) startsNewTicket(t *ticket.Ticket) bool {
	if _, err := ticket.Transition(t.Status, ticket.ActCustomerMail); err != nil {
		return true
	}
	return t.Status == ticket.StatusResolved && s.cfg.ReopenWindow > 0 && time.Since(t.ResolvedAt) > s.cfg.ReopenWindow
}

// openTicketSQL opens a ticket from a mail in one statement, one round trip:
// customer, ticket, message, event and the acknowledgement alert (the
// outbox) — ingest speed is round trips. Its arguments are openArgs.
var openTicketSQL = numbered(`WITH `, oneCustomerSQL, `, cust AS (`, upsertCustomersSQL, `), tk AS (`, insertTicketSQL, `), msg AS (`,
	insertMessageSQL, `),
	who AS (SELECT $1::text AS kind, id FROM cust),
	ev AS (`, insertEventSQL, `),
	rcpt AS (SELECT email, language FROM cust),
	al AS (`, insertAlertSQL, `)
	SELECT tk.number, msg.id FROM tk, msg`)

// openArgs are openTicketSQL's arguments for mail m, continuing old (nil
// for a ticket that continues none).
func (s *Store) openArgs(cp ticket.Checkpoint, m ticket.Mail, old *ticket.Ticket) []any {
	in := m.Parsed
	nt := newTicket{Subject: ticket.CleanSubject(in.Subject), MailboxID: cp.MailboxID}
	detail := map[string]any{"source": "email"}
	if old != nil {
		nt.LinkedID = old.ID
		detail["continues"] = old.Number
	}
	msg := mailRow(cp, m)
	nt.Search = msg.search
	args := append(customerArgs(in.From, in.MailLanguage(), ""), nt.args()...)
	msg.fromEmail = args[0].(string) // as the customer is known: lower case
	args = append(args, msg.args()...)
	args = append(args, string(ticket.ActorCustomer), "created", detail)
	return append(args, s.acknowledgement().args()...)
}

func (s *Store) openFromMail(ctx context.Context, tx pgx.Tx, cp ticket.Checkpoint, m ticket.Mail, old *ticket.Ticket) (ticket.Result, error) {
	var number, msgID int64
	if err := tx.QueryRow(ctx, openTicketSQL, s.openArgs(cp, m, old)...).Scan(&number, &msgID); err != nil {
		return ticket.Result{}, fmt.Errorf("open ticket: %w", err)
	}
	if err := insertAttachments(ctx, tx, msgID, m.Parsed.Attachments); err != nil {
		return ticket.Result{}, err
	}
	if err := s.welcomeParticipants(ctx, tx, number, m.Parsed); err != nil {
		return ticket.Result{}, err
	}
	return ticket.Result{UID: m.UID, Outcome: ticket.OutcomeNewTicket, Ticket: number}, nil
}

// welcomeParticipants makes the people a new ticket's mail copies its
// participants and queues each the acknowledgement the requester gets.
func (s *Store) welcomeParticipants(ctx context.Context, tx pgx.Tx, number int64, in *ticket.Inbound) error {
	if len(in.To)+len(in.Cc) == 0 {
		return nil
	}
	own, err := s.ownAddresses(ctx, tx)
	if err != nil || len(mailParticipants(in, own)) == 0 {
		return err // nobody to welcome: no more round trips
	}
	var ticketID int64
	if err := tx.QueryRow(ctx, `SELECT id FROM tickets WHERE number = $1`, number).Scan(&ticketID); err != nil {
		return fmt.Errorf("new ticket: %w", err)
	}
	ids, err := s.addMailParticipants(ctx, tx, ticketID, in)
	if err != nil || len(ids) == 0 {
		return err
	}
	return s.enqueueAlertTo(ctx, tx, ticketID, ticket.ReasonReceived, ids)
}

// opensPlainTicket reports whether m is a person's mail that refers to no
// earlier mail and no ticket: whatever the database holds, it opens a new
// ticket (ingestOne would find no thread for it). Such mails are opened in
// one pipelined round trip (openMany).
func opensPlainTicket(m ticket.Mail) bool {
	in := m.Parsed
	return in != nil && in.Bounce == nil && in.AutoSubmitted == "" && in.From.Email != "" && in.SenderAuthFailure == "" &&
		len(in.InReplyTo) == 0 && len(in.References) == 0 && ticket.SubjectNumber(in.Subject) == 0
}

// openMany opens a ticket for each of mails (see opensPlainTicket), sending
// their statements to the database together instead of waiting for each.
func (s *Store) openMany(ctx context.Context, tx pgx.Tx, cp ticket.Checkpoint, mails []ticket.Mail) ([]ticket.Result, error) {
	b := &pgx.Batch{}
	for _, m := range mails {
		b.Queue(openTicketSQL, s.openArgs(cp, m, nil)...)
	}
	br := tx.SendBatch(ctx, b)
	out := make([]ticket.Result, len(mails))
	msgIDs := make([]int64, len(mails))
	for i, m := range mails {
		out[i] = ticket.Result{UID: m.UID, Outcome: ticket.OutcomeNewTicket}
		if err := br.QueryRow().Scan(&out[i].Ticket, &msgIDs[i]); err != nil {
			_ = br.Close()
			return nil, fmt.Errorf("uid %d: open ticket: %w", m.UID, err)
		}
	}
	if err := br.Close(); err != nil {
		return nil, fmt.Errorf("open tickets: %w", err)
	}
	for i, m := range mails {
		if err := insertAttachments(ctx, tx, msgIDs[i], m.Parsed.Attachments); err != nil {
			return nil, fmt.Errorf("uid %d: %w", m.UID, err)
		}
		if err := s.welcomeParticipants(ctx, tx, out[i].Ticket, m.Parsed); err != nil {
			return nil, fmt.Errorf("uid %d: %w", m.UID, err)
		}
	}
	return out, nil
}

// threadCustomerMail adds a person's mail to t; thirdParty says the sender
// is neither t's requester nor a participant (see thirdPartyWrote). The
// people a reader's mail copies become participants.
func (s *Store) threadCustomerMail(ctx context.Context, tx pgx.Tx, cp ticket.Checkpoint, m ticket.Mail, t *ticket.Ticket,
	thirdParty bool) (ticket.Result, error) {
	in := m.Parsed
	cust, err := ensureCustomer(ctx, tx, in.From, in.MailLanguage())
	if err != nil {
		return ticket.Result{}, err
	}
	if _, err := insertMailMessage(ctx, tx, cp, m, t.ID, cust, "", thirdParty); err != nil {
		return ticket.Result{}, err
	}
	if thirdParty {
		return thirdPartyWrote(ctx, tx, m, t, cust)
	}
	if _, err := s.addMailParticipants(ctx, tx, t.ID, in); err != nil {
		return ticket.Result{}, err
	}
	out := ticket.OutcomeThreaded
	reopened, err := customerWrote(ctx, tx, t, cust, ticket.ActCustomerMail)
	if err != nil {
		return ticket.Result{}, err
	}
	if err := s.notifyAgents(ctx, tx, t.ID, ticket.NoticeFacts{Event: ticket.EventCustomerReplied}, ""); err != nil {
		return ticket.Result{}, err
	}
	if reopened {
		out = ticket.OutcomeReopened
	}
	return ticket.Result{UID: m.UID, Outcome: out, Ticket: t.Number}, nil
}

// thirdPartyWrote notes on t mail from someone who is not its requester
// (cust) that threaded in by Message-ID — anyone who saw an alert's or a
// reply's Message-ID can write so. The message is stored for agents only,
// marked with the address; it changes no status, reopens nothing and alerts
// nobody: the sender gets nothing back.
func thirdPartyWrote(ctx context.Context, tx pgx.Tx, m ticket.Mail, t *ticket.Ticket, cust int64) (ticket.Result, error) {
	if _, err := tx.Exec(ctx, `UPDATE tickets SET updated_at = now(), version = version + 1 WHERE id = $1`, t.ID); err != nil {
		return ticket.Result{}, fmt.Errorf("update ticket: %w", err)
	}
	err := addEvent(ctx, tx, t.ID, "third_party_mail", ticket.CustomerActor(cust), map[string]any{"from": m.Parsed.From.Email})
	return ticket.Result{UID: m.UID, Outcome: ticket.OutcomeThirdParty, Ticket: t.Number}, err
}

// customerWrote applies a customer's new message to the locked ticket t,
// written as a says (by mail or on the page): ticket.Transition moves its
// status. It reports whether t was reopened (it was resolved or closed).
func customerWrote(ctx context.Context, tx pgx.Tx, t *ticket.Ticket, cust int64, a ticket.Action) (bool, error) {
	from := t.Status
	if err := t.Apply(a, time.Now()); err != nil {
		return false, err
	}
	if err := saveStatus(ctx, tx, t, true); err != nil {
		return false, err
	}
	detail := map[string]any{}
	kind := "customer_replied"
	if from.Done() {
		kind = "reopened"
		detail["by"] = "customer reply"
	}
	if err := addEvent(ctx, tx, t.ID, kind, ticket.CustomerActor(cust), detail); err != nil {
		return false, err
	}
	return from.Done(), nil
}

// logAuto records machine-generated mail on the ticket it threads to, as an
// internal note: it changes no status and alerts nobody.
func (s *Store) logAuto(ctx context.Context, tx pgx.Tx, cp ticket.Checkpoint, m ticket.Mail, t *ticket.Ticket) (ticket.Result, error) {
	if _, err := insertMailMessage(ctx, tx, cp, m, t.ID, 0, m.Parsed.AutoSubmitted, false); err != nil {
		return ticket.Result{}, err
	}
	err := addEvent(ctx, tx, t.ID, "auto_reply_logged", ticket.SystemActor, map[string]any{"reason": m.Parsed.AutoSubmitted})
	return ticket.Result{UID: m.UID, Outcome: ticket.OutcomeAutoLogged, Ticket: t.Number, Reason: m.Parsed.AutoSubmitted}, err
}

// ingestBounce marks the alerts a delivery status notification reports on as
// bounced. A DSN that matches none of our alerts is quarantined.
func (s *Store) ingestBounce(ctx context.Context, tx pgx.Tx, cp ticket.Checkpoint, m ticket.Mail) (ticket.Result, error) {
	b := m.Parsed.Bounce
	ids := append(append([]string{}, b.OriginalMessageIDs...), m.Parsed.References...)
	ids = append(ids, m.Parsed.InReplyTo...)
	reason := strings.TrimSpace(strings.Join(nonEmpty(b.Status, b.Diagnostic), " "))
	if reason == "" {
		reason = "bounced"
	}
	var ticketID, number int64
	err := tx.QueryRow(ctx, `
		WITH b AS (
			UPDATE alerts SET state = $3, last_error = $2, updated_at = now()
			WHERE message_id = ANY($1) RETURNING ticket_id)
		SELECT t.id, t.number FROM b JOIN tickets t ON t.id = b.ticket_id LIMIT 1`, ids, reason, string(ticket.AlertBounced)).Scan(&ticketID, &number)
	if errors.Is(err, pgx.ErrNoRows) {
		return s.quarantine(ctx, tx, cp, m, "auto-submitted: delivery status notification for unknown mail")
	}
	if err != nil {
		return ticket.Result{}, fmt.Errorf("mark bounced: %w", err)
	}
	if err := addEvent(ctx, tx, ticketID, "alert_bounced", ticket.SystemActor, map[string]any{"reason": reason}); err != nil {
		return ticket.Result{}, err
	}
	if _, err := insertMailMessage(ctx, tx, cp, m, ticketID, 0, m.Parsed.AutoSubmitted, false); err != nil {
		return ticket.Result{}, err
	}
	return ticket.Result{UID: m.UID, Outcome: ticket.OutcomeBounce, Ticket: number, Reason: reason}, nil
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
