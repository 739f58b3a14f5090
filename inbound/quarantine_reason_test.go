package inbound_test

import (
	"testing"

	"inboxdesk/inbound"
)

// Machine mail without a ticket is held under one "auto-submitted" label,
// never two.
func TestMachineMailReasonIsLabelledOnce(t *testing.T) {
	r := newRig(t)
	r.append(customerMail("ana@example.org", "ooo@example.org", "Out of office", "away", "Auto-Submitted: auto-replied"))
	r.append(customerMail("list@example.org", "bulk@example.org", "Newsletter", "buy", "Precedence: bulk"))
	r.poll(r.poller(inbound.Options{}))
	for _, want := range []string{"auto-submitted: auto-replied", "auto-submitted: precedence: bulk"} {
		if got := r.count(`SELECT count(*) FROM quarantine WHERE reason = $1`, want); got != 1 {
			t.Errorf("quarantined with reason %q: %d, want 1", want, got)
		}
	}
}
