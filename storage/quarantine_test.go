package storage_test

import (
	"testing"

	"inboxdesk/ticket"
)

// A copy of held mail delivered again (a later batch, another UID) is not
// held a second time; different bytes are.
func TestQuarantineHoldsEachDistinctMailOnce(t *testing.T) {
	f := newFixture(t, testConfig())
	batch := func(raws ...string) []ticket.Result {
		t.Helper()
		var mails []ticket.Mail
		for _, raw := range raws {
			f.uid++
			mails = append(mails, ticket.Mail{UID: f.uid, Raw: []byte(raw), ParseReason: "no header"})
		}
		res, err := f.store.IngestBatch(f.ctx, f.cp, mails)
		if err != nil {
			t.Fatal(err)
		}
		f.cp.LastUID = f.uid
		return res
	}
	first := batch("garbage", "garbage")
	if first[0].Outcome != ticket.OutcomeQuarantined || first[1].Outcome != ticket.OutcomeDuplicate {
		t.Fatalf("first batch %+v: want the copy in the same batch recognised", first)
	}
	later := batch("garbage", "other garbage")
	if later[0].Outcome != ticket.OutcomeDuplicate || later[1].Outcome != ticket.OutcomeQuarantined {
		t.Fatalf("later batch %+v: want the copy recognised, the other mail held", later)
	}
	held, err := f.store.QuarantineList(f.ctx, 10)
	if err != nil || len(held) != 2 {
		t.Fatalf("held %+v %v, want two rows", held, err)
	}
	// A discarded mail delivered again stays discarded.
	if err := f.store.DiscardQuarantined(f.ctx, held[0].ID); err != nil {
		t.Fatal(err)
	}
	if again := batch("other garbage"); again[0].Outcome != ticket.OutcomeDuplicate {
		t.Fatalf("re-delivery of discarded mail %+v", again)
	}
}

// A retry whose mail would be held again leaves it held.
func TestQuarantineRetryThatFailsAgainKeepsItHeld(t *testing.T) {
	f := newFixture(t, testConfig())
	f.uid++
	if _, err := f.store.IngestBatch(f.ctx, f.cp, []ticket.Mail{{UID: f.uid, Raw: []byte("garbage"), ParseReason: "no header"}}); err != nil {
		t.Fatal(err)
	}
	held, _ := f.store.QuarantineList(f.ctx, 10)
	if len(held) != 1 {
		t.Fatalf("held %+v", held)
	}
	noSender := mail("", "No sender", "x")
	if _, err := f.store.RetryQuarantined(f.ctx, held[0].ID, noSender, false); err == nil {
		t.Fatal("retry of mail without a sender succeeded")
	}
	if left, _ := f.store.QuarantineList(f.ctx, 10); len(left) != 1 {
		t.Fatalf("after the failed retry %d held, want the mail still held", len(left))
	}
}
