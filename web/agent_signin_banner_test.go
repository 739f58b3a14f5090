package web_test

import (
	"net/http"
	"strings"
	"testing"

	"inboxdesk/ticket"
)

// TestQueueBannerForARefusedGrant: while the provider refuses a mailbox's
// OAuth2 grant, the queue says which mailbox stopped and the command that
// mends it; a working grant shows nothing.
func TestQueueBannerForARefusedGrant(t *testing.T) {
	e := newEnv(t, nil)
	if _, err := e.tickets.AddMailbox(e.ctx, ticket.Mailbox{Name: "m365-support",
		URL: "imaps://support@example.com@outlook.office365.com/INBOX?oauth=m365"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.tickets.Pool().Exec(e.ctx, `INSERT INTO oauth_grants (name, provider, client_id, device_url,
		token_url, refresh_token) VALUES ('m365', 'custom', 'c', 'http://x/d', 'http://x/t', 'r')`); err != nil {
		t.Fatal(err)
	}
	b, _ := e.agentBrowser("zoe@support.example")
	if p := b.get("/agent"); strings.Contains(p.body, "can no longer sign in") {
		t.Fatal("a banner while the grant works")
	}
	if _, err := e.tickets.Pool().Exec(e.ctx, `UPDATE oauth_grants SET broken = true,
		last_error = 'invalid_grant: consent revoked'`); err != nil {
		t.Fatal(err)
	}
	b.get("/agent").want(http.StatusOK, "Mailbox m365-support can no longer sign in: run `inboxdesk oauth renew m365`",
		"invalid_grant: consent revoked")
}
