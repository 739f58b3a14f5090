package inbound_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"inboxdesk/inbound"
	"inboxdesk/inbound/mailparse"
	"inboxdesk/storage"
	"inboxdesk/testenv/dovecot"
	"inboxdesk/testenv/pgtest"
	"inboxdesk/ticket"
)

// The Zammad corpus: real-world mail collected by another help desk, kept
// beside the checkout (never copied into it) and read by this test.
const corpusDir = "../../shared/corpus/zammad"

// corpusExpect holds what inboxdesk should store for each corpus mail.
const corpusExpect = "testdata/zammad-expect.json"

var updateCorpus = flag.Bool("update-corpus", false, "rewrite "+corpusExpect+" from what is stored (keeps the notes)")

// corpusResult is what one mail became, in the fields the test compares.
// Quarantined mail stores no message: its fields come from parsing the raw
// mail kept in quarantine, which is what the quarantine page shows.
type corpusResult struct {
	Outcome     string   `json:"outcome"`
	From        string   `json:"from"`
	Name        string   `json:"name"`
	Subject     string   `json:"subject"`
	Body        string   `json:"body"`            // the first bodyPrefix runes, white space collapsed
	BodySHA256  string   `json:"body_sha256"`     // of the whole collapsed text, first 12 hex digits
	Attachments []string `json:"attachments"`     // "name (size)" in stored order
	Notes       []string `json:"notes,omitempty"` // what the agent is told was odd
	// Why says where and why the expectation differs from Zammad's own.
	Why string `json:"why,omitempty"`
}

const bodyPrefix = 100

var corpusFields = []string{"outcome", "from", "name", "subject", "body", "attachments", "notes"}

func (c corpusResult) field(name string) string {
	switch name {
	case "outcome":
		return c.Outcome
	case "from":
		return c.From
	case "name":
		return c.Name
	case "subject":
		return c.Subject
	case "body":
		return c.Body + "\x00" + c.BodySHA256
	case "notes":
		return strings.Join(c.Notes, "\n")
	}
	return strings.Join(c.Attachments, "\n")
}

// TestZammadCorpus ingests every mail of the corpus through the poller
// (Dovecot, the real parser and store) and compares what is
// stored with the expectations, printing how many mails match per field.
func TestZammadCorpus(t *testing.T) {
	boxes, _ := filepath.Glob(filepath.Join(corpusDir, "*.box"))
	if len(boxes) == 0 {
		t.Skipf("corpus not found at %s (beside the checkout); the conformance test needs it", corpusDir)
	}
	want := map[string]corpusResult{}
	if data, err := os.ReadFile(corpusExpect); err == nil {
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatalf("%s: %v", corpusExpect, err)
		}
	} else if !*updateCorpus {
		t.Fatal(err)
	}
	got := ingestCorpus(t, boxes)
	if *updateCorpus {
		writeCorpusExpect(t, got, want)
		return
	}
	compareCorpus(t, got, want)
}

// ingestCorpus delivers the mails to Dovecot, as real mail arrives (the
// in-process server cannot serve a mail whose header it cannot parse, and
// header trouble is half of this corpus), and polls them into the store.
func ingestCorpus(t *testing.T, boxes []string) map[string]corpusResult {
	dc := dovecot.Start(t)
	r := &rig{t: t, ctx: context.Background(), pool: pgtest.New(t)}
	r.store = storage.New(r.pool, testStoreConfig())
	if _, err := r.store.AddMailbox(r.ctx, ticket.Mailbox{Name: "support", URL: dc.URL("INBOX")}); err != nil {
		t.Fatal(err)
	}
	names := map[uint32]string{}
	for _, box := range boxes {
		raw, err := os.ReadFile(box)
		if err != nil {
			t.Fatal(err)
		}
		names[dc.Append(t, "INBOX", []byte(asDelivered(raw)))] = strings.TrimSuffix(filepath.Base(box), ".box")
	}
	st := r.poll(r.poller(inbound.Options{}))
	if st.Fetched != len(boxes) {
		t.Fatalf("fetched %d of %d mails: %+v", st.Fetched, len(boxes), st)
	}
	got := map[string]corpusResult{}
	for uid, name := range names {
		got[name] = storedResult(t, r, uid)
	}
	return got
}

// asDelivered makes a corpus file what an IMAP server serves: without the
// mbox "From " line that delivery strips, with CRLF line ends.
func asDelivered(raw []byte) string {
	s := string(raw)
	if strings.HasPrefix(s, "From ") {
		_, s, _ = strings.Cut(s, "\n")
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}

// storedResult reads what mail uid became.
func storedResult(t *testing.T, r *rig, uid uint32) corpusResult {
	t.Helper()
	var c corpusResult
	var id int64
	var auto, text string
	err := r.pool.QueryRow(r.ctx, `SELECT id, from_email, from_name, subject, body_text, auto_submitted, parse_notes
		FROM messages WHERE uid = $1`, int64(uid)).Scan(&id, &c.From, &c.Name, &c.Subject, &text, &auto, &c.Notes)
	if err == nil {
		c.Outcome = "message"
		if auto != "" {
			c.Outcome = "message, auto: " + auto
		}
		c.Body, c.BodySHA256 = bodyDigest(text)
		c.Attachments = storedAttachments(t, r, id)
		return c
	}
	var reason string
	var raw []byte
	if err := r.pool.QueryRow(r.ctx, `SELECT reason, raw FROM quarantine WHERE uid = $1`, int64(uid)).Scan(&reason, &raw); err != nil {
		t.Fatalf("uid %d is neither a message nor quarantined: %v", uid, err)
	}
	c.Outcome = "quarantined: " + reason
	if in, err := mailparse.Parse(raw, mailparse.Limits{}); err == nil {
		c.From, c.Name, c.Subject, c.Notes = in.From.Email, in.From.Name, in.Subject, in.Notes
		c.Body, c.BodySHA256 = bodyDigest(in.Text)
		for _, a := range in.Attachments {
			size := int64(len(a.Data))
			if a.Stream != nil {
				size = a.Stream.Size
			}
			c.Attachments = append(c.Attachments, fmt.Sprintf("%s (%d)", a.Filename, size))
		}
	}
	return c
}

func storedAttachments(t *testing.T, r *rig, messageID int64) []string {
	rows, err := r.pool.Query(r.ctx, `SELECT filename, size FROM attachments WHERE message_id = $1 ORDER BY id`, messageID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		var size int64
		if err := rows.Scan(&name, &size); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s (%d)", name, size))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func bodyDigest(text string) (prefix, digest string) {
	text = strings.Join(strings.Fields(text), " ")
	sum := sha256.Sum256([]byte(text))
	runes := []rune(text)
	return string(runes[:min(len(runes), bodyPrefix)]), hex.EncodeToString(sum[:])[:12]
}

func compareCorpus(t *testing.T, got, want map[string]corpusResult) {
	matches := map[string]int{}
	for _, name := range slices.Sorted(maps.Keys(got)) {
		g, w := got[name], want[name]
		if _, ok := want[name]; !ok {
			t.Errorf("%s: no expectation in %s", name, corpusExpect)
			continue
		}
		for _, f := range corpusFields {
			if g.field(f) == w.field(f) {
				matches[f]++
				continue
			}
			t.Errorf("%s %s:\n got  %q\n want %q", name, f, g.field(f), w.field(f))
		}
	}
	for name := range want {
		if _, ok := got[name]; !ok {
			t.Errorf("%s: expected but not in the corpus", name)
		}
	}
	var line []string
	for _, f := range corpusFields {
		line = append(line, fmt.Sprintf("%s %d/%d", f, matches[f], len(want)))
	}
	summary := fmt.Sprintf("Zammad corpus, %d mails: %s", len(got), strings.Join(line, ", "))
	t.Log(summary)
	// make test prints this file after the run, so the counts show without -v.
	out := filepath.Join("..", "test-output", "zammad-corpus.txt")
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err == nil {
		_ = os.WriteFile(out, []byte(summary+"\n"), 0o644)
	}
}

func writeCorpusExpect(t *testing.T, got, old map[string]corpusResult) {
	for name, g := range got {
		g.Why = old[name].Why
		got[name] = g
	}
	data, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(corpusExpect, append(data, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}
