package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"inboxdesk/link"
	"inboxdesk/testenv/pgtest"
)

// A client that sends its body slowly, or keeps an idle connection open,
// is cut off by the server's deadlines instead of holding the connection.
func TestServerCutsSlowBodiesAndIdleConnections(t *testing.T) {
	args := []string{"--database-url", pgtest.NewURL(t), "--link-keys", link.GenerateKey(), "--smtp-url", "smtp://127.0.0.1:1"}
	cfg, err := parseConfig(newFlags("serve", io.Discard), args)
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(context.Background(), cfg, slog.New(slog.DiscardHandler),
		appTuning{readTimeout: 300 * time.Millisecond, idleTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	def := (&app{cfg: cfg, log: a.log}).httpServer(a.mux)
	if def.ReadTimeout <= 0 || def.ReadHeaderTimeout <= 0 || def.IdleTimeout <= 0 {
		t.Fatalf("default timeouts: read %v, header %v, idle %v", def.ReadTimeout, def.ReadHeaderTimeout, def.IdleTimeout)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := a.httpServer(a.mux)
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	// A body that never finishes.
	c := dial(t, ln.Addr().String())
	_, _ = io.WriteString(c, "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
		"Content-Length: 1000\r\n\r\nemail=")
	waitClosed(t, c, "a request whose body stops")

	// An idle keep-alive connection after a complete request.
	c = dial(t, ln.Addr().String())
	_, _ = io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	r := bufio.NewReader(c)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	waitClosed(t, c, "an idle keep-alive connection")
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// waitClosed reads what the server still sends and wants the connection
// closed well within a few seconds.
func waitClosed(t *testing.T, c net.Conn, what string) {
	t.Helper()
	start := time.Now()
	_ = c.SetReadDeadline(start.Add(5 * time.Second))
	_, err := io.Copy(io.Discard, c)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("%s: connection still open after %v", what, time.Since(start).Round(time.Millisecond))
	}
}
