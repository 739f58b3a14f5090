package oauth

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/oauth2"
)

// browserFlow is the authorization code grant with PKCE (RFC 7636) and a
// loopback redirect, as for native apps (RFC 8252): it listens on
// 127.0.0.1, prints the provider's consent address, and waits for the
// browser to be sent back with a code, which it exchanges. The browser must
// reach this machine's loopback: run the command on a desktop, or forward
// the port (ssh -L PORT:127.0.0.1:PORT).
func browserFlow(ctx context.Context, g *Grant, out io.Writer, port int) (*oauth2.Token, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return nil, fmt.Errorf("listen for the browser's return: %w", err)
	}
	defer ln.Close()
	port = ln.Addr().(*net.TCPAddr).Port
	cfg := g.config()
	cfg.RedirectURL = fmt.Sprintf("http://127.0.0.1:%d/", port)
	verifier, state := oauth2.GenerateVerifier(), rand.Text()
	consent := cfg.AuthCodeURL(state, oauth2.AccessTypeOffline, oauth2.S256ChallengeOption(verifier),
		oauth2.SetAuthURLParam("prompt", "consent"))
	fmt.Fprintf(out, "To connect %s, open this address in a browser on this machine, sign in as the mailbox's account and consent:\n%s\n",
		g.Name, consent)
	fmt.Fprintf(out, "(From another machine: ssh -L %d:127.0.0.1:%d to this one first.) Waiting...\n", port, port)
	code, err := awaitCode(ctx, ln, state)
	if err != nil {
		return nil, err
	}
	t, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, fmt.Errorf("exchange the authorization code: %s", reason(err))
	}
	return t, nil
}

// awaitCode serves the loopback redirect until one carries state and a code
// (or the provider's error), or ctx ends (at most 10 minutes).
func awaitCode(ctx context.Context, ln net.Listener, state string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	type result struct {
		code string
		err  error
	}
	got := make(chan result, 1)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("state") != state {
			http.Error(w, "This is not the answer to the sign-in inboxdesk started.", http.StatusBadRequest)
			return
		}
		res := result{code: q.Get("code")}
		if e := q.Get("error"); e != "" || res.code == "" {
			res.err = fmt.Errorf("the provider refused consent: %s %s", e, q.Get("error_description"))
		}
		fmt.Fprintln(w, "inboxdesk received the answer; you may close this tab.")
		select {
		case got <- res:
		default:
		}
	})}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	select {
	case res := <-got:
		return res.code, res.err
	case <-ctx.Done():
		return "", errors.New("no answer from the browser in time")
	}
}
