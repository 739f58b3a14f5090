package api_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"inboxdesk/api"
	"inboxdesk/auth"
	"inboxdesk/storage"
	"inboxdesk/testenv/pgtest"
	"inboxdesk/ticket"
)

type rig struct {
	t       *testing.T
	ctx     context.Context
	tickets *storage.Store
	auth    *auth.Store
	srv     *httptest.Server
	read    string // a read token's secret
	write   string // a write token's secret
	agentID int64
	cp      ticket.Checkpoint
}

func newRig(t *testing.T, cfg api.Config) *rig {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.New(t)
	tcfg := storage.DefaultConfig()
	tcfg.CoalesceWindow = 0
	r := &rig{t: t, ctx: ctx, tickets: storage.New(pool, tcfg), auth: auth.NewStore(storage.NewSignIn(pool), auth.Config{})}
	a, err := r.auth.CreateAgent(ctx, "alex@example.com", "Alex", "")
	if err != nil {
		t.Fatal(err)
	}
	r.agentID = a.ID
	if r.read, _, err = r.auth.CreateAPIToken(ctx, a.Email, "reader", auth.ScopeRead); err != nil {
		t.Fatal(err)
	}
	if r.write, _, err = r.auth.CreateAPIToken(ctx, a.Email, "writer", auth.ScopeWrite); err != nil {
		t.Fatal(err)
	}
	id, err := r.tickets.AddMailbox(ctx, ticket.Mailbox{Name: "support", URL: "imap://u:p@127.0.0.1:1/INBOX"})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.tickets.ResetCheckpoint(ctx, ticket.Checkpoint{MailboxID: id}, 1); err != nil {
		t.Fatal(err)
	}
	r.cp = ticket.Checkpoint{MailboxID: id, UIDValidity: 1}
	h, err := api.New(api.Deps{Tickets: r.tickets, Auth: r.auth}, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	r.srv = httptest.NewServer(h.Handler())
	t.Cleanup(r.srv.Close)
	return r
}

// mail ingests a customer's mail and returns its ticket number.
func (r *rig) mail(from, subject string, files ...ticket.Attachment) int64 {
	r.t.Helper()
	sum := sha256.Sum256([]byte(from + subject))
	in := &ticket.Inbound{MessageID: fmt.Sprintf("%x@example.org", sum[:8]), From: ticket.Address{Email: from},
		Subject: subject, Text: "about " + subject, ContentHash: sum[:], Attachments: files}
	res, err := r.tickets.IngestBatch(r.ctx, r.cp, []ticket.Mail{{UID: r.cp.LastUID + 1, Raw: []byte("raw"), Parsed: in}})
	if err != nil {
		r.t.Fatal(err)
	}
	r.cp.LastUID++
	return res[0].Ticket
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) json(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(a.body, &v); err != nil {
		t.Fatalf("not JSON (%d): %s", a.status, a.body)
	}
	return v
}

func (r *rig) do(method, path, token, body string, header ...string) answer {
	r.t.Helper()
	req, _ := http.NewRequest(method, r.srv.URL+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, b}
}

// isProblem checks an RFC 9457 answer with the status.
func isProblem(t *testing.T, a answer, status int) {
	t.Helper()
	if a.status != status || a.header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("want a %d problem, got %d %s: %s", status, a.status, a.header.Get("Content-Type"), a.body)
	}
	p := a.json(t)
	if p["status"] != float64(status) || p["title"] == "" || p["type"] == nil {
		t.Fatalf("problem document %v", p)
	}
}

func TestTokensScopesAndRevocation(t *testing.T) {
	r := newRig(t, api.Config{})
	n := r.mail("ana@example.org", "Printer")
	path := fmt.Sprintf("/api/v1/tickets/%d", n)
	isProblem(t, r.do("GET", path, "", ""), 401)
	isProblem(t, r.do("GET", path, "idk_not-a-token", ""), 401)
	if a := r.do("GET", path, r.read, ""); a.status != 200 {
		t.Fatalf("read token: %d %s", a.status, a.body)
	}
	isProblem(t, r.do("POST", path+"/note", r.read, `{"text":"x"}`, "If-Match", `"v1"`), 403)
	list, err := r.auth.APITokens(r.ctx, "alex@example.com")
	if err != nil || list[len(list)-1].LastUsedAt == nil {
		t.Fatalf("last use not recorded: %+v %v", list, err)
	}
	if err := r.auth.RevokeAPIToken(r.ctx, 0, list[len(list)-1].ID); err != nil {
		t.Fatal(err)
	}
	isProblem(t, r.do("GET", path, r.read, ""), 401)
	isProblem(t, r.do("GET", "/api/v1/nothing-here", r.write, ""), 404)
}

func TestStaleWriteIsRefusedWith412(t *testing.T) {
	r := newRig(t, api.Config{})
	n := r.mail("ana@example.org", "Refund")
	path := fmt.Sprintf("/api/v1/tickets/%d", n)
	first := r.do("GET", path, r.read, "")
	tag := first.header.Get("ETag")
	if first.status != 200 || tag == "" {
		t.Fatalf("show: %d etag %q", first.status, tag)
	}
	isProblem(t, r.do("POST", path+"/reply", r.write, `{"text":"no tag"}`), 428)
	ok := r.do("POST", path+"/reply", r.write, `{"text":"Refunded today"}`, "If-Match", tag)
	if ok.status != 200 || ok.header.Get("ETag") == tag {
		t.Fatalf("reply: %d %s (etag %q)", ok.status, ok.body, ok.header.Get("ETag"))
	}
	isProblem(t, r.do("POST", path+"/note", r.write, `{"text":"stale"}`, "If-Match", tag), 412)
	msgs := r.do("GET", path, r.read, "").json(t)["messages"].([]any)
	if len(msgs) != 2 || msgs[1].(map[string]any)["text"] != "Refunded today" {
		t.Fatalf("messages after the writes: %v", msgs)
	}
	tag = ok.header.Get("ETag")
	for _, step := range []struct{ action, body, status string }{
		{"request-info", `{"text":"Which order?"}`, "pending"},
		{"resolve", "", "resolved"},
		{"reopen", "", "open"},
	} {
		a := r.do("POST", path+"/"+step.action, r.write, step.body, "If-Match", tag)
		if a.status != 200 || a.json(t)["status"] != step.status {
			t.Fatalf("%s: %d %s", step.action, a.status, a.body)
		}
		tag = a.header.Get("ETag")
	}
	isProblem(t, r.do("POST", path+"/reply", r.write, `{"text":"  "}`, "If-Match", tag), 422)
}

func TestPaginationIsStableUnderInserts(t *testing.T) {
	r := newRig(t, api.Config{})
	for i := 0; i < 5; i++ {
		r.mail(fmt.Sprintf("c%d@example.org", i), fmt.Sprintf("Old %d", i))
	}
	seen := map[float64]bool{}
	path := "/api/v1/tickets?limit=2"
	for pages := 0; path != ""; pages++ {
		a := r.do("GET", path, r.read, "")
		if a.status != 200 || pages > 5 {
			t.Fatalf("list: %d %s", a.status, a.body)
		}
		body := a.json(t)
		for _, x := range body["tickets"].([]any) {
			n := x.(map[string]any)["number"].(float64)
			if seen[n] {
				t.Fatalf("ticket %v listed twice", n)
			}
			seen[n] = true
		}
		r.mail(fmt.Sprintf("new%d@example.org", pages), fmt.Sprintf("New %d", pages)) // lands before the cursor
		path = ""
		if c, _ := body["next_cursor"].(string); c != "" {
			path = "/api/v1/tickets?limit=2&cursor=" + c
		}
	}
	if len(seen) != 5 { // new tickets land before the cursor: the pages hold the five old ones
		t.Fatalf("seen %v", seen)
	}
	for i := 0; i < 5; i++ {
		if !seen[float64(10001+i)] {
			t.Fatalf("old ticket %d was skipped: %v", 10001+i, seen)
		}
	}
	isProblem(t, r.do("GET", "/api/v1/tickets?cursor=not-a-cursor", r.read, ""), 400)
	isProblem(t, r.do("GET", "/api/v1/tickets?status=lost", r.read, ""), 400)
	if a := r.do("GET", "/api/v1/tickets?q=Old+3", r.read, "").json(t)["tickets"].([]any); len(a) != 1 {
		t.Fatalf("search: %v", a)
	}
}

func TestRateLimitPerToken(t *testing.T) {
	r := newRig(t, api.Config{RatePerMinute: 3})
	for i := 0; i < 3; i++ {
		if a := r.do("GET", "/api/v1/tickets", r.read, ""); a.status != 200 {
			t.Fatalf("request %d: %d", i, a.status)
		}
	}
	a := r.do("GET", "/api/v1/tickets", r.read, "")
	isProblem(t, a, 429)
	if a.header.Get("Retry-After") == "" {
		t.Fatal("no Retry-After")
	}
	if a := r.do("GET", "/api/v1/tickets", r.write, ""); a.status != 200 {
		t.Fatalf("another token was limited too: %d", a.status)
	}
}

func TestCreateAssignEventsAttachmentsCustomers(t *testing.T) {
	r := newRig(t, api.Config{})
	a := r.do("POST", "/api/v1/tickets", r.write, `{"email":"bo@example.org","subject":"Late parcel","text":"where is it",
		"attachments":[{"filename":"receipt.txt","data":"`+base64.StdEncoding.EncodeToString([]byte("paid 12 EUR"))+`"}]}`)
	if a.status != 201 || a.header.Get("Location") == "" {
		t.Fatalf("create: %d %s", a.status, a.body)
	}
	isProblem(t, r.do("POST", "/api/v1/tickets", r.write, `{"email":"nope","subject":"x","text":"y"}`), 422)
	isProblem(t, r.do("POST", "/api/v1/tickets", r.write, `{"email":"bo@example.org","subject":"x","extra":1}`), 400)
	loc := a.header.Get("Location")
	created := r.do("GET", loc, r.read, "").json(t)["messages"].([]any)[0].(map[string]any)
	if files := created["attachments"].([]any); len(files) != 1 || files[0].(map[string]any)["filename"] != "receipt.txt" {
		t.Fatalf("the new ticket's file: %v", created)
	}
	as := r.do("PUT", loc+"/assignee", r.write, fmt.Sprintf(`{"agent_id":%d}`, r.agentID), "If-Match", a.header.Get("ETag"))
	if as.status != 200 || as.json(t)["assignee_name"] != "Alex" {
		t.Fatalf("assign: %d %s", as.status, as.body)
	}
	isProblem(t, r.do("PUT", loc+"/assignee", r.write, `{"agent_id":999}`, "If-Match", as.header.Get("ETag")), 422)
	mine := r.do("GET", "/api/v1/tickets?assignee=me", r.read, "").json(t)["tickets"].([]any)
	if len(mine) != 1 {
		t.Fatalf("assignee=me: %v", mine)
	}
	evs := r.do("GET", loc+"/events", r.read, "").json(t)["events"].([]any)
	if len(evs) < 2 {
		t.Fatalf("events: %v", evs)
	}
	n := r.mail("cy@example.org", "Photo", ticket.Attachment{Filename: "a.txt", ContentType: "text/plain", Data: []byte("bytes!")})
	show := r.do("GET", fmt.Sprintf("/api/v1/tickets/%d", n), r.read, "").json(t)
	att := show["messages"].([]any)[0].(map[string]any)["attachments"].([]any)[0].(map[string]any)
	dl := r.do("GET", att["url"].(string), r.read, "")
	if dl.status != 200 || string(dl.body) != "bytes!" || !strings.Contains(dl.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download: %d %q %v", dl.status, dl.body, dl.header)
	}
	isProblem(t, r.do("GET", "/api/v1/attachments/99999", r.read, ""), 404)
	c := r.do("GET", "/api/v1/customers/bo@example.org", r.read, "").json(t)
	if c["email"] != "bo@example.org" || len(c["tickets"].([]any)) != 1 {
		t.Fatalf("customer: %v", c)
	}
	isProblem(t, r.do("GET", "/api/v1/customers/nobody@example.org", r.read, ""), 404)
	isProblem(t, r.do("POST", loc+"/explode", r.write, `{}`, "If-Match", `"v1"`), 404)
}

func TestReplyUploadsFollowThePagesRules(t *testing.T) {
	r := newRig(t, api.Config{})
	n := r.mail("ana@example.org", "Logs")
	path := fmt.Sprintf("/api/v1/tickets/%d", n)
	tag := r.do("GET", path, r.read, "").header.Get("ETag")
	html := base64.StdEncoding.EncodeToString([]byte("<html><script>alert(1)</script></html>"))
	isProblem(t, r.do("POST", path+"/reply", r.write,
		`{"text":"see file","attachments":[{"filename":"x.txt","data":"`+html+`"}]}`, "If-Match", tag), 422)
	if msgs := r.do("GET", path, r.read, "").json(t)["messages"].([]any); len(msgs) != 1 {
		t.Fatalf("a refused upload stored a message: %v", msgs)
	}
	txt := base64.StdEncoding.EncodeToString([]byte("line one\nline two\n"))
	a := r.do("POST", path+"/reply", r.write,
		`{"text":"see file","attachments":[{"filename":"../../etc/notes.exe","data":"`+txt+`"}]}`, "If-Match", tag)
	if a.status != 200 {
		t.Fatalf("reply with a file: %d %s", a.status, a.body)
	}
	msgs := r.do("GET", path, r.read, "").json(t)["messages"].([]any)
	att := msgs[1].(map[string]any)["attachments"].([]any)[0].(map[string]any)
	if att["filename"] != "notes.txt" || att["content_type"] != "text/plain" {
		t.Fatalf("stored file %v", att)
	}
}
