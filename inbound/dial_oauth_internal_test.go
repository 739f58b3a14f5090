package inbound

import (
	"net"
	"testing"

	"github.com/emersion/go-imap/v2/imapclient"

	"inboxdesk/testenv/dovecot"
	"inboxdesk/testenv/oauth2server"
)

// TestXOAUTH2AgainstDovecot: Microsoft offers only XOAUTH2, so it is
// checked on its own against the real server, a good token and a bad one.
func TestXOAUTH2AgainstDovecot(t *testing.T) {
	srv := oauth2server.New(t, oauth2server.Options{Username: "support"})
	dc := dovecot.StartOAuth(t, srv.IntrospectURL())
	for _, tc := range []struct {
		token string
		ok    bool
	}{{"not-a-token", false}, {srv.AccessTokenFor(), true}} {
		c, err := imapclient.DialInsecure(dc.Addr(), &imapclient.Options{Dialer: &net.Dialer{}})
		if err != nil {
			t.Fatal(err)
		}
		err = c.Authenticate(xoauth2{user: dc.User(), token: tc.token})
		c.Close()
		if (err == nil) != tc.ok {
			t.Fatalf("XOAUTH2 with a good token %v: %v", tc.ok, err)
		}
	}
}
