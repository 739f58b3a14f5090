package ticket

// Checkpoint is where a mailbox's ingest stands: the IMAP UIDVALIDITY and the
// highest UID whose message is committed.
type Checkpoint struct {
	MailboxID   int64
	UIDValidity uint32
	LastUID     uint32
}

// Mail is one fetched message for IngestBatch: parsed, or with the reason it
// could not be parsed (then it is quarantined with its raw bytes).
type Mail struct {
	UID         uint32
	Raw         []byte
	Parsed      *Inbound
	ParseReason string // set when Parsed is nil
	// HeadersOnly says Raw is the header alone (the mail was over the size
	// limit and was not downloaded); it is quarantined and cannot be retried.
	HeadersOnly bool
	// Released says an agent released the mail from the quarantine it was
	// held in for failing sender authentication: it opens a new ticket,
	// never threading into an existing one.
	Released bool
}

// Outcome says what became of one ingested mail.
type Outcome string

const (
	OutcomeNewTicket   Outcome = "new_ticket"
	OutcomeThreaded    Outcome = "threaded"
	OutcomeReopened    Outcome = "reopened"
	OutcomeDuplicate   Outcome = "duplicate"
	OutcomeQuarantined Outcome = "quarantined"
	OutcomeBounce      Outcome = "bounce"
	OutcomeAutoLogged  Outcome = "auto_logged" // machine mail recorded on its ticket
	OutcomeThirdParty  Outcome = "third_party" // mail from a non-participant recorded for agents only
)

// Result is the outcome of one mail of a batch.
type Result struct {
	UID     uint32
	Outcome Outcome
	Ticket  int64 // ticket number, when one was touched
	Reason  string
}
