package outbound

import (
	"io"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"

	"inboxdesk/delivery"
	"inboxdesk/ticket"
)

func TestComposeAgentNotice(t *testing.T) {
	job := testJob()
	job.AgentID, job.Reason = 3, ticket.EventCustomerReplied.Reason()
	job.Recipient = ticket.Address{Email: "zoe@example.com"}
	job.Requester = ticket.Address{Name: "Alice Doe", Email: "alice@example.org"}
	raw, err := testComposer(t).Compose(job)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if got := msg.Header.Get("Subject"); got != "[#12345] Customer replied: Refund for order 4411" {
		t.Errorf("Subject = %q", got)
	}
	if msg.Header.Get("Auto-Submitted") != "auto-generated" || msg.Header.Get("To") != "<zoe@example.com>" {
		t.Errorf("headers %v", msg.Header)
	}
	b, _ := io.ReadAll(quotedprintable.NewReader(msg.Body))
	body := string(b)
	for _, want := range []string{"Customer: Alice Doe <alice@example.org>", "https://help.example.com/desk/agent/tickets/12345\r\n"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	// Behind the agent's sign-in: no customer token, no /t/ magic link.
	if strings.Contains(body, "k=") || strings.Contains(body, "/t/") {
		t.Errorf("notice carries a customer link:\n%s", body)
	}
	job.Reason = ticket.ReasonReplied // a customer reason on an agent's row
	if _, err := testComposer(t).Compose(job); !delivery.IsPermanent(err) {
		t.Errorf("unknown notice reason: %v, want a permanent error", err)
	}
}
