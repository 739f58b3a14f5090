package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"inboxdesk/auth"
	"inboxdesk/storage"
	"inboxdesk/webhook"
)

// TestServeRunsTheAPIAndWebhooks: a served product answers the REST API
// with an agent's token, and its webhook sender delivers the signed events
// of mail it ingests and of a reply made through the API.
func TestServeRunsTheAPIAndWebhooks(t *testing.T) {
	p := newProduct(t)
	ctx := context.Background()
	var mu sync.Mutex
	var types []string
	var secret string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var ev struct{ Type string }
		_ = json.Unmarshal(b, &ev)
		mu.Lock()
		defer mu.Unlock()
		var ts int64
		ts, _ = strconv.ParseInt(r.Header.Get("webhook-timestamp"), 10, 64)
		if webhook.Verify(secret, r.Header.Get("webhook-id"), ts, b, r.Header.Get("webhook-signature")) {
			types = append(types, ev.Type)
		}
	}))
	defer hook.Close()
	var err error
	mu.Lock()
	_, secret, err = webhook.Register(ctx, p.store, hook.URL, []string{"ticket.created", "agent.replied"}, true)
	mu.Unlock()
	mustNot(t, err, "register webhook")
	as := auth.NewStore(storage.NewSignIn(p.pool), auth.Config{})
	_, err = as.CreateAgent(ctx, "alex@example.com", "Alex", "")
	mustNot(t, err, "agent")
	token, _, err := as.CreateAPIToken(ctx, "alex@example.com", "test", auth.ScopeWrite)
	mustNot(t, err, "token")

	srv := startProc(t, "serve", append(p.env(p.dbURL), "INBOXDESK_WEBHOOK_ALLOW_PRIVATE=true"), "serve")
	base := srv.webURL()
	p.mail(t, 1)
	call := func(method, path, body, etag string) *http.Response {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		if etag != "" {
			req.Header.Set("If-Match", etag)
		}
		resp, err := http.DefaultClient.Do(req)
		mustNot(t, err, path)
		return resp
	}
	eventually(t, 20*time.Second, "the mail's ticket in the API", func() bool {
		resp := call("GET", "/api/v1/tickets", "", "")
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return strings.Contains(string(b), "Problem number 0")
	})
	show := call("GET", "/api/v1/tickets/10001", "", "")
	show.Body.Close()
	reply := call("POST", "/api/v1/tickets/10001/reply", `{"text":"We are on it"}`, show.Header.Get("ETag"))
	reply.Body.Close()
	if reply.StatusCode != 200 {
		t.Fatalf("reply through the API: %d", reply.StatusCode)
	}
	eventually(t, 20*time.Second, "both events delivered, signed", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return strings.Join(types, ",") == "ticket.created,agent.replied"
	})
	if code := srv.signal(syscall.SIGTERM, 20*time.Second); code != 0 {
		t.Fatalf("exit code %d after SIGTERM", code)
	}
}
